"""factory_boy factories for the domain models."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from partnerships import choices
from partnerships.models import (
    Activity,
    Agreement,
    AgreementParty,
    CaseStudy,
    CommunicationPlan,
    Country,
    DataRequest,
    KnowledgeArticle,
    Membership,
    Organisation,
    Pilot,
    Policy,
    PolicyTarget,
)

SIMPLE_SCHEMA = {
    "fields": [
        {"name": "territory", "type": "string", "constraints": {"required": True}},
        {"name": "year", "type": "integer", "constraints": {"required": True}},
        {"name": "value", "type": "number"},
    ],
    "primaryKey": ["territory", "year"],
}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pass-word-123")


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = "RS"
    name = "Serbia"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = choices.OrganisationKind.COMPANY
    country = factory.SubFactory(CountryFactory)
    # Every NSI names its SDMX agency; other kinds have none.
    agency_id = factory.LazyAttributeSequence(
        lambda o, n: f"NSI{n}" if o.kind == choices.OrganisationKind.NSI else None
    )


def default_nsi(country_code: str = "RS") -> Organisation:
    """The country's first NSI (created when there is none): the default indicator owner."""
    found = (
        Organisation.objects.filter(kind=choices.OrganisationKind.NSI, country_id=country_code)
        .order_by("pk")
        .first()
    )
    if found is not None:
        return found
    country = Country.objects.filter(pk=country_code).first() or CountryFactory(
        code=country_code, name=country_code
    )
    return OrganisationFactory(
        name=f"Statistical office {country_code} (factory)",
        kind=choices.OrganisationKind.NSI,
        country=country,
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = choices.MembershipRole.MEMBER


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"AGR-{n:04d}")
    title = factory.Sequence(lambda n: f"Agreement {n}")
    nsi = factory.SubFactory(OrganisationFactory, kind=choices.OrganisationKind.NSI)
    type = choices.AgreementType.DATA_SHARING
    state = choices.AgreementState.DRAFT
    domains = factory.LazyFunction(lambda: ["energy"])

    @factory.post_generation
    def partners(
        self, create: bool, extracted: list[Organisation] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            for org in extracted:
                AgreementParty.objects.create(agreement=self, organisation=org, resources=["data"])


class PilotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pilot

    name = factory.Sequence(lambda n: f"Pilot {n}")
    city = "Kragujevac"
    territory_code = "RS-KG"
    country = factory.SubFactory(CountryFactory)
    nsi = factory.SubFactory(OrganisationFactory, kind=choices.OrganisationKind.NSI)
    local_government = factory.SubFactory(
        OrganisationFactory, kind=choices.OrganisationKind.LOCAL_GOVERNMENT
    )
    decision_relevance = "Supports the city's energy investment plan."


class CommunicationPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunicationPlan

    title = factory.Sequence(lambda n: f"Plan {n}")
    pilot = factory.SubFactory(PilotFactory)
    owner = factory.SelfAttribute("pilot.nsi")


class DataRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataRequest

    direction = choices.RequestDirection.ACQUISITION
    title = factory.Sequence(lambda n: f"Request {n}")
    purpose = "Monthly electricity consumption by district."
    requester = factory.SubFactory(OrganisationFactory, kind=choices.OrganisationKind.NSI)
    provider = factory.SubFactory(OrganisationFactory)
    table_schema = factory.LazyFunction(lambda: dict(SIMPLE_SCHEMA))
    due_on = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=30))


class CaseStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseStudy

    agreement = factory.SubFactory(AgreementFactory)
    title = factory.Sequence(lambda n: f"Case study {n}")
    narrative = "What we planned and what happened."


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    pilot = factory.SubFactory(PilotFactory)
    name = factory.Sequence(lambda n: f"Policy {n}")
    kind = choices.PolicyKind.STRATEGY


class PolicyTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyTarget

    policy = factory.SubFactory(PolicyFactory)
    indicator_code = "ENE-CONS-HH"
    target_value = 100
    target_year = 2030
    direction = choices.TargetDirection.DECREASE


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    plan = factory.SubFactory(CommunicationPlanFactory)
    kind = choices.ActivityKind.SEMINAR
    title = factory.Sequence(lambda n: f"Activity {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))


class KnowledgeArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeArticle

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    kind = choices.ArticleKind.GUIDELINE
    body = "<p>Guidance.</p>"
    author_organisation = factory.LazyFunction(default_nsi)
    is_published = True
    published_at = factory.LazyFunction(timezone.now)


# --- indicators ---------------------------------------------------------------------------
from indicators.models import Indicator, Territory  # noqa: E402


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("country", "code")

    parent = None
    country = factory.LazyAttribute(lambda t: t.parent.country if t.parent else CountryFactory())
    code = factory.Sequence(lambda n: f"T{n:04d}")
    level = "municipality"
    name_en = factory.LazyAttribute(lambda t: f"Territory {t.code}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ("owner", "code")

    owner = factory.LazyFunction(default_nsi)
    code = factory.Sequence(lambda n: f"IND{n}")
    name_en = factory.LazyAttribute(lambda i: f"Indicator {i.code}")
    unit = "%"
    topic = "mobility"
    sdg_targets = factory.LazyFunction(lambda: ["11.2.1"])
    dimensions = factory.LazyFunction(lambda: {"sex": ["F", "M", "_T"]})
    decimals = 1


def approved(publication: Any, approver: Any = None) -> Any:
    """The draft approved by a second NSI manager (four eyes), made on first use."""
    from indicators import services

    publication.refresh_from_db()
    if publication.state != "draft":
        return publication  # already approved (or further): nothing to do
    if approver is None:
        approver = get_user_model().objects.filter(username="release-approver").first()
    if approver is None:
        nsi = Organisation.objects.filter(kind="nsi").first() or OrganisationFactory(kind="nsi")
        approver = MembershipFactory(
            user=UserFactory(username="release-approver"), organisation=nsi, role="manager"
        ).user
    return services.publication_approve(actor=approver, publication=publication)
