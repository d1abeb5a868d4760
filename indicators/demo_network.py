"""A second, SYNTHETIC country for the demo: Montenegro's NSI with its Nikšić pilot.

Everything here is invented and labelled SYNTHETIC: the organisations, people, territories and
values. It proves the platform holds several countries: its own NSI (SDMX agency MONSTAT),
regional office, pilot city, local government, utility and university, its own logins, and an
indicator ELEC_HH whose code equals a Serbian one (codes are unique per owner). Its data goes
through the real chain: request → upload → validation → accept → load → release.

Hook for the network features: this loader leaves the country's objects in the demo context
under the keys in `KEYS` (ctx.orgs["me.nsi"], ctx.objects["me.pilot"], …); a later demo
loader (e.g. adopting two Serbian indicator definitions) registers after this one in
`indicators.apps` and finds them there. Idempotent like every demo loader.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.contrib.auth import get_user_model

from partnerships import demo as registry_demo
from partnerships import demo_requests
from partnerships import services as registry
from partnerships.choices import AgreementState
from partnerships.models import Agreement, Country, Membership, Organisation, Pilot

from . import demo_sharing, services
from .choices import TerritoryLevel as L
from .models import Indicator, Observation, Publication, Territory

COUNTRY = ("ME", "Montenegro")
LABEL = "SYNTHETIC demo country — invented organisations, people and values."
AGENCY = "MONSTAT"
KEYS = ("me.nsi", "me.regional", "me.city", "me.power", "me.university")

ORGANISATIONS = [
    # key, name, short name, kind, parent key
    ("me.nsi", "Statistical Office of Montenegro (SYNTHETIC)", AGENCY, "nsi", None),
    (
        "me.regional",
        "MONSTAT Regional Office Nikšić (SYNTHETIC)",
        "MONSTAT NK",
        "nsi_regional",
        "me.nsi",
    ),
    ("me.city", "Municipality of Nikšić (SYNTHETIC)", "Nikšić", "local_government", None),
    ("me.power", "Nikšić Electricity Distribution (SYNTHETIC)", "NK Power", "company", None),
    ("me.university", "University of Nikšić (SYNTHETIC)", "UniNK", "academia", None),
]
ACCOUNTS = [
    # username, role shown in the table, organisation key, membership role
    ("me.nsi.manager", "NSI manager (Montenegro, synthetic)", "me.regional", "manager"),
    # The second pair of eyes: loads what me.nsi.manager accepted and approves the release.
    ("me.nsi.approver", "NSI manager (Montenegro, approver)", "me.regional", "manager"),
    ("me.nsi.viewer", "NSI viewer (Montenegro, synthetic)", "me.nsi", "viewer"),
    ("me.partner.power", "partner (Montenegro, electricity)", "me.power", "manager"),
    ("me.partner.university", "partner (Montenegro, university)", "me.university", "member"),
    ("me.city.staff", "city staff (Montenegro, Nikšić)", "me.city", "member"),
]
TERRITORIES = [
    # code, level, parent, English name (Serbian-script names: the same, Latin and Cyrillic)
    ("ME", L.COUNTRY, None, "Montenegro (synthetic demo)", "Crna Gora", "Црна Гора"),
    ("ME-NK", L.CITY, "ME", "Nikšić (synthetic demo)", "Nikšić", "Никшић"),
    ("ME-NK-C", L.MUNICIPALITY, "ME-NK", "Nikšić Centre (synthetic)", "Centar", "Центар"),
    ("ME-NK-N", L.MUNICIPALITY, "ME-NK", "Nikšić North (synthetic)", "Sjever", "Сјевер"),
]
AGREEMENT = "NK-2026-01"
PILOT = "Nikšić data-driven city pilot (SYNTHETIC)"
SERIES = "nk-energy-2024"
# Same code as the Serbian indicator on purpose: two owners, one code.
ELEC_HH: dict[str, Any] = {
    "code": "ELEC_HH",
    "name_en": "Household electricity consumption per capita (Nikšić, synthetic)",
    "name_sr_latn": "Potrošnja električne energije domaćinstava po stanovniku",
    "name_sr_cyrl": "Потрошња електричне енергије домаћинстава по становнику",
    "unit": "kWh per month",
    "topic": "energy",
    "sdg_targets": ["7.1.1"],
    "dimensions": {},
    "decimals": 1,
    "min_cell_count": 100,
    "methodology": "Metered consumption of household connections divided by population.",
    "description": f"Household electricity per capita in Nikšić. {LABEL}",
}
# Monthly kWh per capita 2024 (base, population) per area.
AREAS = [("ME-NK-C", 171.0, 38_000), ("ME-NK-N", 182.0, 29_000)]
SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "territory_code", "type": "string", "constraints": {"required": True}},
        {
            "name": "month",
            "type": "string",
            "constraints": {"required": True, "pattern": "[0-9]{4}-(0[1-9]|1[0-2])"},
        },
        {"name": "population", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "kwh_per_capita", "type": "number", "constraints": {"minimum": 0}},
    ],
    "primaryKey": ["territory_code", "month"],
}
MAPPING = {
    "territory": "territory_code",
    "period": "month",
    "value": "kwh_per_capita",
    "count": "population",
}


def electricity_csv() -> bytes:
    """Monthly household kWh per capita in Nikšić's two areas and the city, 2024 (invented)."""
    lines = ["territory_code,month,population,kwh_per_capita"]
    for month in range(1, 13):
        season = 1 + 0.3 * math.cos(2 * math.pi * (month - 1) / 12)
        total_pop, total_kwh = 0, 0.0
        for code, base, population in AREAS:
            kwh = round(base * season, 2)
            lines.append(f"{code},2024-{month:02d},{population},{kwh:.2f}")
            total_pop += population
            total_kwh += kwh * population
        lines.append(f"ME-NK,2024-{month:02d},{total_pop},{total_kwh / total_pop:.2f}")
    return ("\n".join(lines) + "\n").encode()


DELIVERY = demo_requests.Delivery(
    title="Nikšić monthly household electricity per capita, 2024 (SYNTHETIC)",
    purpose="Local energy indicator for the Nikšić pilot.",
    provider="me.power",
    provider_user="me.partner.power",
    agreement=AGREEMENT,
    schema=SCHEMA,
    frequency="monthly",
    filename="SYNTHETIC_niksic_household_electricity_2024.csv",
    content=b"",
    requester="me.regional",
    nsi_user="me.nsi.manager",
    pilot="me.pilot",
    legal_basis="Law on Official Statistics of Montenegro (synthetic demo).",
)


def load(ctx: Any) -> None:
    """The second country: registry, territories, indicator, data chain and release."""
    _registry(ctx)
    _territories()
    _agreement_and_pilot(ctx)
    indicator = _indicator(ctx)
    request = demo_requests.deliver(ctx, _with_content(DELIVERY))
    ctx.objects["me.request.electricity"] = request
    submission = demo_requests.latest_submission(request)
    actor = ctx.users["me.nsi.manager"]
    approver = ctx.users["me.nsi.approver"]
    if not Observation.objects.filter(submission=submission, indicator=indicator).exists():
        services.observations_load(
            submission=submission, mapping=MAPPING, indicator=indicator, actor=approver
        )
    if not Publication.objects.filter(series=SERIES).exists():
        release = services.publication_create(
            actor=actor,
            series=SERIES,
            title="Nikšić household electricity 2024 (SYNTHETIC)",
            notes=LABEL,
            indicators=[indicator],
            pilot=ctx.objects["me.pilot"],
            period_from=dt.date(2024, 1, 1),
            period_to=dt.date(2024, 12, 31),
        )
        release = services.publication_approve(actor=approver, publication=release)
        services.publication_publish(actor=actor, publication=release)
    ctx.objects["me.release"] = Publication.objects.filter(series=SERIES).order_by("-version")[0]


def _with_content(spec: demo_requests.Delivery) -> demo_requests.Delivery:
    spec.content = electricity_csv()
    return spec


def _registry(ctx: Any) -> None:
    country, _ = Country.objects.get_or_create(code=COUNTRY[0], defaults={"name": COUNTRY[1]})
    for key, name, short, kind, parent in ORGANISATIONS:
        org = Organisation.objects.filter(country=country, name=name).first()
        if org is None:
            org = registry.organisation_create(
                actor=ctx.actor,
                name=name,
                kind=kind,
                country=country,
                short_name=short,
                parent=ctx.orgs.get(parent) if parent else None,
                agency_id=AGENCY if kind == "nsi" else None,
                email=f"{key.replace('.', '-')}@example.org",
                address=f"Nikšić, Montenegro. {LABEL}",
            )
        ctx.orgs[key] = org
    users = get_user_model().objects
    for username, label, org_key, role in ACCOUNTS:
        user = users.filter(username=username).first()
        if user is None:
            user = users.create_user(
                username, f"{username}@example.org", registry_demo.demo_password(username)
            )
        ctx.users[username] = user
        ctx.logins.append((username, label, registry_demo.demo_password(username)))
        if not Membership.objects.filter(user=user, organisation=ctx.orgs[org_key]).exists():
            registry.membership_add(
                actor=ctx.actor, organisation=ctx.orgs[org_key], user=user, role=role
            )


def _territories() -> None:
    for code, level, parent, en, latn, cyrl in TERRITORIES:
        Territory.objects.update_or_create(
            country_id=COUNTRY[0],
            code=code,
            defaults={
                "level": level,
                "parent": Territory.objects.get(country_id=COUNTRY[0], code=parent)
                if parent
                else None,
                "name_en": en,
                "name_sr_latn": latn,
                "name_sr_cyrl": cyrl,
            },
        )


def _agreement_and_pilot(ctx: Any) -> None:
    agreement = Agreement.objects.filter(reference=AGREEMENT).first()
    if agreement is None:
        agreement = registry.agreement_create(
            actor=ctx.actor,
            reference=AGREEMENT,
            title="Electricity consumption data for the Nikšić pilot (SYNTHETIC)",
            nsi=ctx.orgs["me.regional"],
            type="data_sharing",
            domains=["energy"],
            goals=LABEL,
            signed_on=dt.date(2026, 2, 2),
            starts_on=dt.date(2026, 2, 15),
            ends_on=dt.date(2028, 2, 14),
            parties=[{"organisation": ctx.orgs["me.power"], "resources": ["data"]}],
        )
        for target in registry_demo.PATH[AgreementState.ACTIVE]:
            agreement = registry.agreement_transition(
                agreement=agreement, target=target, actor=ctx.actor
            )
    ctx.objects[AGREEMENT] = agreement
    pilot = Pilot.objects.filter(name=PILOT).first()
    if pilot is None:
        pilot = registry.pilot_create(
            actor=ctx.actor,
            name=PILOT,
            city="Nikšić",
            country=Country.objects.get(code=COUNTRY[0]),
            nsi=ctx.orgs["me.regional"],
            local_government=ctx.orgs["me.city"],
            territory_code="ME-NK",
            themes=["energy"],
            description=LABEL,
            decision_relevance="Informs the municipality's energy-efficiency subsidies (synthetic).",
            partners=[ctx.orgs["me.power"], ctx.orgs["me.university"]],
            agreements=[agreement],
        )
    ctx.objects["me.pilot"] = pilot


def _indicator(ctx: Any) -> Indicator:
    owner = ctx.orgs["me.nsi"]
    # The network: Montenegro adopts Serbia's shared ELEC_HH and PT_ACCESS definitions, so its
    # ELEC_HH is comparable with Kragujevac's (demo_sharing; docs/network.md).
    demo_sharing.adopt_serbian_definitions(nsi=owner, actor=ctx.users["me.nsi.manager"])
    found = Indicator.objects.filter(owner=owner, code=ELEC_HH["code"]).first()
    if found is not None:
        return found
    return services.indicator_create(
        actor=ctx.users["me.nsi.manager"],
        owner=owner,
        source_organisations=[ctx.orgs["me.power"]],
        **ELEC_HH,
    )
