"""Synthetic demo data: a pilot in Kragujevac, Serbia. Everything here is invented.

Each loader is idempotent: it looks rows up by their natural key and creates (through the
services, so the audit trail is realistic) only what is missing. Running it twice changes
nothing.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import demo_obligations, demo_requests, demo_schemas, services
from .choices import AgreementState
from .models import (
    Agreement,
    CaseStudy,
    CommunicationPlan,
    Country,
    KnowledgeArticle,
    Membership,
    Organisation,
    Pilot,
    Policy,
)

DEMO = "(synthetic demo)"


@dataclass
class DemoContext:
    """What the loaders share: the acting admin, the accounts and the objects made so far."""

    stdout: Any  # the command's OutputWrapper or any text stream
    actor: Any = None
    users: dict[str, Any] = field(default_factory=dict)
    orgs: dict[str, Organisation] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


ACCOUNTS = [
    # username, role shown in the table, organisation key, membership role
    ("admin", "admin (superuser)", None, None),
    ("nsi.manager", "NSI manager", "regional", "manager"),
    # The second pair of eyes: approves releases and loads what nsi.manager accepted.
    ("nsi.approver", "NSI manager (approver)", "nsi", "manager"),
    ("partner.power", "partner (electricity company)", "power", "manager"),
    ("partner.university", "partner (university)", "university", "member"),
    ("city.staff", "city staff", "city", "member"),
]

ORGANISATIONS = [
    # key, name, short name, kind, parent key
    ("nsi", "Statistical Office of the Republic of Serbia", "SORS", "nsi", None),
    (
        "regional",
        "Statistical Office — Regional Office Kragujevac",
        "SORS KG",
        "nsi_regional",
        "nsi",
    ),
    ("city", "City of Kragujevac", "Kragujevac", "local_government", None),
    (
        "chamber",
        "Regional Chamber of Commerce Šumadija and Pomoravlje",
        "RCC Šumadija",
        "chamber",
        None,
    ),
    ("power", "Kragujevac Electricity Distribution Company", "KG Power", "company", None),
    ("university", "University of Kragujevac", "UniKG", "academia", None),
]


def demo_password(username: str) -> str:
    """DDMS_DEMO_PASSWORD for every account, or a per-account default like demo-admin-2026."""
    return os.environ.get("DDMS_DEMO_PASSWORD") or f"demo-{username}-2026"


def load_accounts_and_organisations(ctx: DemoContext) -> None:
    """The admin first (it is the actor of every later change), then organisations and members."""
    user_model = get_user_model()
    admin = user_model.objects.filter(username="admin").first()
    if admin is None:
        admin = user_model.objects.create_superuser(
            "admin", "admin@example.org", demo_password("admin")
        )
    ctx.actor = admin
    country, _ = Country.objects.get_or_create(code="RS", defaults={"name": "Serbia"})
    for key, name, short, kind, parent in ORGANISATIONS:
        org = Organisation.objects.filter(country=country, name=name).first()
        if org is None:
            org = services.organisation_create(
                actor=admin,
                name=name,
                kind=kind,
                country=country,
                short_name=short,
                parent=ctx.orgs.get(parent) if parent else None,
                email=f"{short.lower().replace(' ', '.')}@example.org".replace("š", "s"),
                address=f"Kragujevac, Serbia {DEMO}",
            )
        ctx.orgs[key] = org
    for username, label, org_key, role in ACCOUNTS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model.objects.create_user(
                username, f"{username}@example.org", demo_password(username)
            )
        ctx.users[username] = user
        ctx.logins.append((username, label, demo_password(username)))
        if (
            org_key
            and not Membership.objects.filter(user=user, organisation=ctx.orgs[org_key]).exists()
        ):
            services.membership_add(
                actor=admin, organisation=ctx.orgs[org_key], user=user, role=role or "member"
            )


AGREEMENTS = [
    # reference, title, type, partner key, resources, domains, target state, dates
    (
        "KG-2026-01",
        "Electricity consumption data to predict electricity prices",
        "data_sharing",
        "power",
        ["data"],
        ["energy", "economy"],
        AgreementState.ACTIVE,
        (dt.date(2026, 2, 16), dt.date(2026, 3, 1), dt.date(2028, 2, 29)),
    ),
    (
        "KG-2026-02",
        "Local indicators for the Kragujevac development strategy",
        "mou",
        "city",
        ["data", "geospatial"],
        ["economy", "mobility", "social", "sdgs"],
        AgreementState.SIGNED,
        (dt.date(2026, 4, 2), None, dt.date(2029, 12, 31)),
    ),
    (
        "KG-2026-03",
        "Methodological support: small-area estimation",
        "service",
        "university",
        ["expertise", "skills"],
        ["social", "demography"],
        AgreementState.NEGOTIATION,
        (None, None, None),
    ),
    (
        "KG-2026-04",
        "Business register enrichment with chamber membership data",
        "informal",
        "chamber",
        ["data"],
        ["economy"],
        AgreementState.DRAFT,
        (None, None, None),
    ),
]
PATH = {
    AgreementState.DRAFT: [],
    AgreementState.NEGOTIATION: ["negotiation"],
    AgreementState.SIGNED: ["negotiation", "signed"],
    AgreementState.ACTIVE: ["negotiation", "signed", "active"],
}


def load_agreements(ctx: DemoContext) -> None:
    """Four agreements in four states, each reached through the lifecycle."""
    for ref, title, kind, partner, resources, domains, state, dates in AGREEMENTS:
        agreement = Agreement.objects.filter(reference=ref).first()
        if agreement is None:
            signed, starts, ends = dates
            agreement = services.agreement_create(
                actor=ctx.actor,
                reference=ref,
                title=title,
                nsi=ctx.orgs["regional"],
                type=kind,
                domains=domains,
                nsi_resources=["expertise", "tools"],
                goals=f"{title}. {DEMO}",
                signed_on=signed,
                starts_on=starts,
                ends_on=ends,
                parties=[
                    {
                        "organisation": ctx.orgs[partner],
                        "resources": resources,
                        "contribution": f"Brings {', '.join(resources)} {DEMO}",
                    }
                ],
            )
            for target in PATH[state]:
                agreement = services.agreement_transition(
                    agreement=agreement, target=target, actor=ctx.actor
                )
        ctx.objects[ref] = agreement
    case = CaseStudy.objects.filter(agreement=ctx.objects["KG-2026-01"]).first()
    if case is None:
        case = services.case_study_create(
            actor=ctx.actor,
            agreement=ctx.objects["KG-2026-01"],
            title="Predicting electricity prices with distribution data",
            narrative=(
                f"The NSI and the distribution company agreed a monthly feed of aggregated "
                f"household consumption by district to model price scenarios. {DEMO}"
            ),
            still_to_achieve="Quarter-hour data for the industrial zone; a published price index.",
            objectives=[
                {
                    "objective": "Monthly aggregated consumption feed",
                    "planned_outcome": "Data delivered by the 10th of each month",
                    "achieved_outcome": "Delivered on time since March 2026",
                    "status": "achieved",
                },
                {
                    "objective": "Price forecasting model",
                    "planned_outcome": "Forecast error below 5% at 3 months",
                    "achieved_outcome": "7% error so far",
                    "status": "partly",
                },
                {
                    "objective": "Public dashboard for households",
                    "planned_outcome": "Dashboard on the city portal",
                    "status": "not_yet",
                },
            ],
        )
    ctx.objects["case_study"] = case


def load_pilot(ctx: DemoContext) -> None:
    """The Kragujevac pilot, its policies and targets, and its communication plan."""
    name = "Kragujevac data-driven city pilot"
    pilot = Pilot.objects.filter(name=name).first()
    if pilot is None:
        pilot = services.pilot_create(
            actor=ctx.actor,
            name=name,
            city="Kragujevac",
            country=Country.objects.get(code="RS"),
            nsi=ctx.orgs["regional"],
            local_government=ctx.orgs["city"],
            territory_code="RS-KG",
            themes=["energy", "mobility", "local_economy", "sdgs"],
            description=f"Local indicators on energy, mobility and the local economy. {DEMO}",
            decision_relevance=(
                "Monitors the city's energy-efficiency programme and mobility plan, and informs "
                "the yearly capital budget."
            ),
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2027, 12, 31),
            partners=[ctx.orgs[k] for k in ("power", "university", "chamber")],
            agreements=[ctx.objects["KG-2026-01"], ctx.objects["KG-2026-02"]],
        )
    ctx.objects["pilot"] = pilot
    policies = [
        (
            "Kragujevac Energy Efficiency Programme 2026–2030",
            "programme",
            [
                # Monthly kWh, like the indicators demo's series (both are published there);
                # the baseline is 2023's calendar-year mean, as the progress measure compares.
                ("ENE-CONS-HH", "decrease", "410", 2030, "478", 2023),
                ("ELEC_HH", "decrease", "160", 2030, "184", 2023),
            ],
        ),
        (
            "Sustainable Urban Mobility Plan of Kragujevac",
            "strategy",
            [
                ("MOB-PT-SHARE", "increase", "30", 2030, "19.4", 2022),
                ("MOB-CAR-OWN", "maintain", "310", 2030, "298", 2022),
                ("PT_ACCESS", "increase", "85", 2030, "75.3", 2022),
            ],
        ),
    ]
    for policy_name, kind, targets in policies:
        if not Policy.objects.filter(pilot=pilot, name=policy_name).exists():
            services.policy_create(
                actor=ctx.actor,
                pilot=pilot,
                name=policy_name,
                kind=kind,
                description=DEMO,
                targets=[
                    {
                        "indicator_code": code,
                        "direction": direction,
                        "target_value": value,
                        "target_year": year,
                        "baseline_value": base,
                        "baseline_year": base_year,
                    }
                    for code, direction, value, year, base, base_year in targets
                ],
            )
    title = "Kragujevac pilot: communication plan 2026"
    plan = CommunicationPlan.objects.filter(title=title).first()
    if plan is None:
        plan = services.plan_create(
            actor=ctx.actor,
            title=title,
            owner=ctx.orgs["regional"],
            pilot=pilot,
            objectives=f"Make the pilot's indicators known to the city council and citizens. {DEMO}",
            audiences=["local_government", "citizens", "businesses", "media"],
            key_messages="Official statistics at city level, from partners' data, for decisions.",
        )
        tz = timezone.get_current_timezone()
        for kind, activity_title, when, location, audience in [
            (
                "meeting",
                "Kick-off with the city administration",
                (2026, 3, 5, 10),
                "City hall",
                "local_government",
            ),
            (
                "seminar",
                "Seminar: data for local decisions",
                (2026, 4, 16, 10),
                "University of Kragujevac, rectorate hall",
                "local_government",
            ),
            (
                "workshop",
                "Workshop with the Chamber on business indicators",
                (2026, 5, 20, 13),
                "Chamber of Commerce, Kragujevac",
                "businesses",
            ),
            (
                "web_release",
                "First release of the pilot's local indicators",
                (2026, 6, 30, 11),
                "",
                "citizens",
            ),
            (
                "press_release",
                "Press release: electricity price scenarios",
                (2026, 7, 1, 9),
                "",
                "media",
            ),
            ("newsletter", "Pilot newsletter no. 1", (2026, 9, 15, 9), "", "nsi_management"),
        ]:
            services.activity_create(
                actor=ctx.actor,
                plan=plan,
                kind=kind,
                title=activity_title,
                starts_at=dt.datetime(*when, tzinfo=tz),
                ends_at=dt.datetime(*when, tzinfo=tz) + dt.timedelta(hours=2),
                location=location,
                audience=audience,
            )
    ctx.objects["plan"] = plan


ARTICLES = [
    (
        "guideline-data-sharing-with-utilities",
        "Guideline: setting up a data-sharing agreement with a utility",
        "guideline",
        ["data-sharing", "energy", "agreements"],
        "<p>Start from a memorandum, agree the aggregation level, then the legal basis.</p>"
        "<ul><li>Aggregate to districts.</li><li>Agree a delivery calendar.</li></ul>",
    ),
    (
        "best-practice-indicators-for-city-councils",
        "Best practice: presenting local indicators to a city council",
        "best_practice",
        ["communication", "local-government"],
        "<p>One page per policy, one chart per target, the source of every figure.</p>",
    ),
]


def load_knowledge_base(ctx: DemoContext) -> None:
    """Two published knowledge-base articles."""
    for slug, title, kind, tags, body in ARTICLES:
        if KnowledgeArticle.objects.filter(slug=slug).exists():
            continue
        article = services.article_create(
            actor=ctx.actor,
            title=title,
            slug=slug,
            kind=kind,
            summary=f"{title} {DEMO}",
            body=body,
            tags=tags,
            author_organisation=ctx.orgs["nsi"],
        )
        services.article_publish(article=article, actor=ctx.actor)


DemoLoader = Callable[[DemoContext], Any]

REGISTRY_LOADERS: list[DemoLoader] = [
    load_accounts_and_organisations,
    load_agreements,
    load_pilot,
    load_knowledge_base,
    demo_requests.load,
    demo_schemas.load,
    demo_obligations.load,
]
# Loaders of the apps above this one (indicators), registered from their AppConfig.ready():
# each runs after the registry's, with the same DemoContext (ctx.orgs, ctx.users, ctx.objects),
# and must be idempotent like the loaders above.
EXTRA_LOADERS: list[DemoLoader] = []


# Accounts of the apps' demo loaders (username, role, organisation key, membership role),
# shown by `logins_banner` like the registry's own.
EXTRA_ACCOUNTS: list[tuple[str, str, str | None, str | None]] = []


def register_demo_accounts(accounts: Sequence[tuple[str, str, str | None, str | None]]) -> None:
    """Add an app's demo accounts (once) to the logins banner."""
    for account in accounts:
        if account not in EXTRA_ACCOUNTS:
            EXTRA_ACCOUNTS.append(account)


def register_demo_loader(loader: DemoLoader) -> None:
    """Add an app's demo loader (once), to run after the registry's."""
    if loader not in EXTRA_LOADERS:
        EXTRA_LOADERS.append(loader)


def load(stdout: Any) -> DemoContext:
    """Run the registry loaders, then every registered app's loader, in one transaction."""
    ctx = DemoContext(stdout=stdout)
    with transaction.atomic():
        for loader in [*REGISTRY_LOADERS, *EXTRA_LOADERS]:
            loader(ctx)
    return ctx


def logins_table(logins: list[tuple[str, str, str]]) -> str:
    """The demo accounts as a table: username, role, password."""
    width = max(len(u) for u, _r, _p in logins)
    role_width = max(len(r) for _u, r, _p in logins)
    lines = [
        "Demo logins (demo only — never use these accounts in production):",
        f"  {'username'.ljust(width)}  {'role'.ljust(role_width)}  password",
        *(f"  {u.ljust(width)}  {r.ljust(role_width)}  {p}" for u, r, p in logins),
        "Set DDMS_DEMO_PASSWORD before the first run to choose the password of every account "
        "(existing accounts keep theirs).",
    ]
    return "\n".join(lines)


def logins_banner() -> str:
    """The logins table for `run_platform`, when the demo accounts exist ("" otherwise)."""
    accounts = [*ACCOUNTS, *EXTRA_ACCOUNTS]
    existing = set(
        get_user_model()
        .objects.filter(username__in=[a[0] for a in accounts])
        .values_list("username", flat=True)
    )
    logins = [(u, label, demo_password(u)) for u, label, _o, _r in accounts if u in existing]
    return logins_table(logins) if logins else ""
