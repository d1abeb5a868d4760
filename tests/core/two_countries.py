"""Two countries on one platform, each with every role and a private row of every kind.

`build_country` makes one country's NSI, regional office, city, two partners, a user per role
and private rows (agreement, request with a submission, pilot, policy, plan, draft article,
indicators, working observations, draft and embargoed releases, a load job, a subscription, a
notification). Every private row carries the marker `PRIV-<code>` in a title or name, so a
page that shows one is caught by text. `ROLE_BUILDERS` lets later features add roles (e.g. a
network coordinator) without touching the matrix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from ddms_platform.notify.models import Notification
from ddms_platform.notify.services import outbox_record
from indicators.models import (
    Indicator,
    Observation,
    ObservationLoad,
    Publication,
    ReleasedObservation,
    Subscription,
    Territory,
)
from partnerships import choices
from partnerships.models import Contact, DataRequest, Deliverable
from tests.factories import (
    ActivityFactory,
    AgreementFactory,
    CaseStudyFactory,
    CommunicationPlanFactory,
    CountryFactory,
    DataRequestFactory,
    KnowledgeArticleFactory,
    MembershipFactory,
    OrganisationFactory,
    PilotFactory,
    PolicyFactory,
    PolicyTargetFactory,
    UserFactory,
)
from tests.web.conftest import make_submission

# role → (organisation attribute, membership role); each country gets one user per role.
COUNTRY_ROLES = {
    "nsi_manager": ("nsi", "manager"),
    "nsi_viewer": ("nsi", "viewer"),
    "regional": ("regional", "member"),
    "partner_a": ("partner_a", "member"),
    "partner_b": ("partner_b", "member"),
    "partner_viewer": ("partner_a", "viewer"),
    "city": ("city", "member"),
}
# Extra roles: callables (world) -> {role name: user}, run after both countries exist.
ROLE_BUILDERS: list[Callable[[SimpleNamespace], dict[str, Any]]] = []


def marker(code: str) -> str:
    return f"PRIV-{code}"


def build_country(code: str, name: str, agency: str) -> SimpleNamespace:
    """One country's organisations, users and private rows (see the module docstring)."""
    tag = marker(code)
    now = timezone.now()
    country = CountryFactory(code=code, name=name)
    c = SimpleNamespace(code=code, country=country, tag=tag)

    def org(kind: str, label: str, **kw: Any) -> Any:
        return OrganisationFactory(name=f"{label} {code}", kind=kind, country=country, **kw)

    c.nsi = org(choices.OrganisationKind.NSI, "NSI", agency_id=agency)
    c.regional = org(choices.OrganisationKind.NSI_REGIONAL, "Regional office", parent=c.nsi)
    c.city = org(choices.OrganisationKind.LOCAL_GOVERNMENT, "City")
    c.partner_a = org(choices.OrganisationKind.COMPANY, f"Utility {tag}")
    c.partner_b = org(choices.OrganisationKind.ACADEMIA, "University")
    c.users = {}
    for role, (attr, membership_role) in COUNTRY_ROLES.items():
        user = UserFactory(username=f"{code.lower()}-{role}", email=f"{code}-{role}@example.org")
        MembershipFactory(user=user, organisation=getattr(c, attr), role=membership_role)
        c.users[role] = user

    Contact.objects.create(organisation=c.partner_a, name=f"Contact {tag}")
    c.agreement = AgreementFactory(
        nsi=c.regional,
        title=f"Agreement {tag}",
        state=choices.AgreementState.ACTIVE,
        partners=[c.partner_a],
    )
    c.draft_agreement = AgreementFactory(nsi=c.regional, title=f"Draft {tag}")
    c.deliverable = Deliverable.objects.create(
        agreement=c.agreement,
        provider=c.partner_a,
        title=f"Deliverable {tag}",
        purpose="x",
        frequency=choices.DeliverableFrequency.MONTHLY,
        first_period="2026-01",
    )
    c.case_study = CaseStudyFactory(agreement=c.agreement, title=f"Case {tag}")
    c.pilot = PilotFactory(
        name=f"Pilot {tag}",
        nsi=c.regional,
        local_government=c.city,
        country=country,
        territory_code=f"{code}-C",
    )
    c.pilot.partners.add(c.partner_a)
    c.policy = PolicyFactory(pilot=c.pilot, name=f"Policy {tag}")
    PolicyTargetFactory(policy=c.policy, indicator_code="ELEC_HH")
    c.plan = CommunicationPlanFactory(pilot=c.pilot, owner=c.regional, title=f"Plan {tag}")
    c.activity = ActivityFactory(plan=c.plan, title=f"Activity {tag}")
    c.draft_article = KnowledgeArticleFactory(
        title=f"Draft article {tag}",
        slug=f"draft-{code.lower()}",
        is_published=False,
        published_at=None,
        author_organisation=c.nsi,
    )
    c.request = DataRequestFactory(
        title=f"Request {tag}",
        requester=c.regional,
        provider=c.partner_a,
        agreement=c.agreement,
        pilot=c.pilot,
        state=choices.RequestState.SUBMITTED,
    )
    c.draft_request = DataRequestFactory(
        title=f"Draft request {tag}", requester=c.regional, provider=c.partner_b
    )
    c.submission = make_submission(c.request, status="passed", user=c.users["partner_a"])

    c.root = Territory.objects.create(
        country=country, code=code, level="country", name_en=f"Country {code}"
    )
    c.territory = Territory.objects.create(
        country=country, code=f"{code}-C", level="city", parent=c.root, name_en=f"City {code}"
    )
    # Same code in every country: codes are unique per owner.
    c.indicator = Indicator.objects.create(
        owner=c.nsi, code="ELEC_HH", name_en="Electricity", unit="kWh", topic="energy"
    )
    c.private_indicator = Indicator.objects.create(
        owner=c.nsi, code=f"PRIV_{code}", name_en=f"Unreleased {tag}", unit="%", topic="energy"
    )
    c.observation = Observation.objects.create(
        indicator=c.indicator,
        territory=c.territory,
        period="2024",
        period_type="A",
        period_start=dt.date(2024, 1, 1),
        value=1,
        submission=c.submission,
    )
    c.load = ObservationLoad.objects.create(
        submission=c.submission, indicator=c.indicator, mapping={}
    )
    c.released = _publication(c, "released", "published", now - dt.timedelta(days=1), 11)
    # Upcoming releases show their date and title to everyone: no marker in the title.
    c.embargoed = _publication(c, "embargoed", "scheduled", now + dt.timedelta(days=3), 7)
    c.draft_publication = _publication(c, f"draft {tag}", "draft", None, None)
    c.subscription = Subscription.objects.create(
        user=c.users["city"], confirmed_at=now, topic="energy"
    )
    c.subscription.indicators.set([c.indicator])
    c.notification = Notification.objects.create(
        event=outbox_record(kind="test.tenancy"),
        channel="email",
        recipient_key=f"user:{c.users['partner_a'].pk}",
        user=c.users["partner_a"],
        email=c.users["partner_a"].email,
        status="failed",
    )
    return c


def _publication(
    c: SimpleNamespace, title: str, state: str, release_at: Any, value: int | None
) -> Publication:
    pub = Publication.objects.create(
        series=f"{c.code.lower()}-{title.split()[0]}",
        title=f"Release {title}",
        state=state,
        release_at=release_at,
        pilot=c.pilot,
    )
    pub.indicators.set([c.indicator])
    if value is not None:
        ReleasedObservation.objects.create(
            publication=pub,
            observation=c.observation,
            indicator=c.indicator,
            territory=c.territory,
            indicator_code=c.indicator.code,
            territory_code=c.territory.code,
            period="2024",
            period_type="A",
            period_start=dt.date(2024, 1, 1),
            value=value,
            status="A",
            submission=c.submission,
        )
    return pub


def build_world() -> SimpleNamespace:
    """Serbia (SORS) and Montenegro (MONSTAT), an admin and an outsider."""
    w = SimpleNamespace(rs=build_country("RS", "Serbia", "SORS"))
    w.me = build_country("ME", "Montenegro", "MONSTAT")
    w.admin = UserFactory(username="tenancy-admin", is_staff=True, is_superuser=True)
    w.outsider = UserFactory(username="tenancy-outsider")
    w.roles = {"anonymous": None, "outsider": w.outsider, "admin": w.admin}
    for c in (w.rs, w.me):
        for role, user in c.users.items():
            w.roles[f"{c.code}.{role}"] = user
    for builder in ROLE_BUILDERS:
        w.roles.update(builder(w))
    return w


def country_of(role: str) -> str | None:
    """'RS' for 'RS.nsi_manager'; None for roles of no country (anonymous, admin, …)."""
    head, sep, _rest = role.partition(".")
    return head if sep else None


def unused_request_id() -> int:
    return (DataRequest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 10_000
