"""Demo of the network: the project's coordinator, Serbian definitions shared with the
network, and the hook by which the second (synthetic) country (`demo_network`) adopts two of
them before loading its data, so the comparison page has both cities (docs/network.md)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from partnerships import services as partnership_services
from partnerships.demo import demo_password
from partnerships.models import CaseStudy, Country, KnowledgeArticle, Membership, Organisation
from partnerships.services.network import article_share, case_study_share

from .models import Indicator, IndicatorAdoption
from .services.network import indicator_adopt, indicator_share

SYNTHETIC = "(synthetic demo)"
COORDINATOR = "network.coordinator"
# For the logins banner (partnerships.demo.register_demo_accounts).
ACCOUNTS = [(COORDINATOR, "network coordinator", "network", "member")]
# The Serbian definitions shared with the network; the second country adopts them.
SHARED_CODES = ("ELEC_HH", "PT_ACCESS")


def load(ctx: Any) -> None:
    """The coordinator and the Serbian definitions shared; idempotent."""
    if ctx is None:
        return
    _coordinator(ctx)
    _share_serbian(ctx)


def _coordinator(ctx: Any) -> None:
    project, _ = Country.objects.get_or_create(
        code="EU", defaults={"name": "European Union (network project)"}
    )
    name = f"Pilot cities network — coordination team {SYNTHETIC}"
    network = Organisation.objects.filter(country=project, name=name).first()
    if network is None:
        network = partnership_services.organisation_create(
            actor=ctx.actor,
            name=name,
            kind="network",
            country=project,
            short_name="Network",
            address=f"Project office {SYNTHETIC}",
        )
    ctx.orgs["network"] = network
    users = get_user_model().objects
    user = users.filter(username=COORDINATOR).first()
    if user is None:
        user = users.create_user(
            COORDINATOR, f"{COORDINATOR}@example.org", demo_password(COORDINATOR)
        )
    ctx.users[COORDINATOR] = user
    ctx.logins.append((COORDINATOR, "network coordinator", demo_password(COORDINATOR)))
    if not Membership.objects.filter(user=user, organisation=network).exists():
        partnership_services.membership_add(
            actor=ctx.actor, organisation=network, user=user, role="member"
        )


def _share_serbian(ctx: Any) -> list[Indicator]:
    actor = ctx.users["nsi.manager"]
    shared = []
    for code in SHARED_CODES:
        indicator = Indicator.objects.filter(
            owner__country_id="RS", owner__kind="nsi", code=code
        ).first()
        if indicator is not None:
            shared.append(indicator_share(indicator=indicator, actor=actor))
    case = ctx.objects.get("case_study")
    if isinstance(case, CaseStudy):
        case_study_share(case_study=case, actor=actor)
    article = (
        KnowledgeArticle.objects.filter(is_published=True, author_organisation__country_id="RS")
        .order_by("pk")
        .first()
    )
    if article is not None:
        article_share(article=article, actor=actor)
    return shared


def adopt_serbian_definitions(*, nsi: Organisation, actor: Any) -> list[Indicator]:
    """`nsi` adopts the Serbian definitions shared with the network that it does not have yet
    (by adoption or by code); returns the adoptions made now. The second country's loader
    calls this before it creates its own indicators, then loads its data into them."""
    made = []
    sources = Indicator.objects.filter(
        owner__country_id="RS", owner__kind="nsi", code__in=SHARED_CODES, shared_with_network=True
    ).order_by("code")
    for source in sources:
        if IndicatorAdoption.objects.filter(source=source, organisation=nsi).exists():
            continue
        if Indicator.objects.filter(owner=nsi, code=source.code).exists():
            continue
        made.append(indicator_adopt(source=source, actor=actor).adopted)
    return made
