"""Demo data of the indicators app (all SYNTHETIC): territories, the pilot's indicators, their
observations loaded from the demo requests' files, releases and subscriptions.

`load()` alone (no context) makes territories and indicators; `load(ctx)`, called by
`manage.py load_demo` after the registry and the requests, does the rest through the services.
Every step looks its rows up first, so running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from partnerships import demo as partnerships_demo
from partnerships import demo_requests
from partnerships.models import Country, Organisation

from . import demo_boundaries, demo_sharing, services
from .choices import TerritoryLevel as L
from .models import Indicator, Observation, Publication, Subscription, Territory
from .sdmx import demo as sdmx_demo
from .services.subscriptions import subscription_create

# code, level, parent, English, Serbian Latin, Serbian Cyrillic
TERRITORIES = [
    ("RS", L.COUNTRY, None, "Republic of Serbia", "Republika Srbija", "Република Србија"),
    (
        "RS21",
        L.REGION,
        "RS",
        "Šumadija and Western Serbia",
        "Region Šumadije i Zapadne Srbije",
        "Регион Шумадије и Западне Србије",
    ),
    ("RS11", L.REGION, "RS", "Belgrade region", "Beogradski region", "Београдски регион"),
    ("RS21-SU", L.DISTRICT, "RS21", "Šumadija district", "Šumadijski okrug", "Шумадијски округ"),
    ("RS-KG", L.CITY, "RS21-SU", "City of Kragujevac", "Grad Kragujevac", "Град Крагујевац"),
    ("RS-KG-SG", L.MUNICIPALITY, "RS-KG", "Stari Grad", "Stari Grad", "Стари Град"),
    ("RS-KG-ST", L.MUNICIPALITY, "RS-KG", "Stanovo", "Stanovo", "Станово"),
    ("RS-KG-AE", L.MUNICIPALITY, "RS-KG", "Aerodrom", "Aerodrom", "Аеродром"),
    ("RS-KG-PI", L.MUNICIPALITY, "RS-KG", "Pivara", "Pivara", "Пивара"),
    ("RS-KG-SR", L.MUNICIPALITY, "RS-KG", "Stragari", "Stragari", "Страгари"),
    ("RS-AR", L.MUNICIPALITY, "RS21-SU", "Aranđelovac", "Aranđelovac", "Аранђеловац"),
    ("RS-BG", L.CITY, "RS11", "City of Belgrade", "Grad Beograd", "Град Београд"),
]

SYNTHETIC = "SYNTHETIC demo indicator: the values are invented."

INDICATORS: list[dict[str, Any]] = [
    {
        "code": "ELEC_HH",
        "name_en": "Household electricity consumption per capita",
        "name_sr_latn": "Potrošnja električne energije domaćinstava po stanovniku",
        "name_sr_cyrl": "Потрошња електричне енергије домаћинстава по становнику",
        "unit": "kWh per month",
        "topic": "energy",
        "sdg_targets": ["7.1.1"],
        "dimensions": {},
        "decimals": 1,
        "min_cell_count": 100,
        "methodology": "Metered consumption of household connections divided by population.",
    },
    {
        "code": "ENE-CONS-HH",
        "name_en": "Household electricity consumption per household",
        "name_sr_latn": "Potrošnja električne energije po domaćinstvu",
        "name_sr_cyrl": "Потрошња електричне енергије по домаћинству",
        "unit": "kWh per month",
        "topic": "energy",
        "sdg_targets": ["7.3.1"],
        "dimensions": {},
        "decimals": 0,
        # Stragari has fewer households than this: its value is published as confidential.
        "min_cell_count": 1000,
        "methodology": "Metered consumption of household connections divided by households.",
    },
    {
        "code": "PT_ACCESS",
        "name_en": "Share of population with convenient access to public transport",
        "name_sr_latn": "Udeo stanovništva sa pogodnim pristupom javnom prevozu",
        "name_sr_cyrl": "Удео становништва са погодним приступом јавном превозу",
        "unit": "%",
        "topic": "mobility",
        "sdg_targets": ["11.2.1"],
        "dimensions": {"sex": ["F", "M", "_T"]},
        "decimals": 1,
        "min_cell_count": 10,
        "methodology": "Residents within 500 m of a stop, from the address register.",
    },
    {
        "code": "MOB-PT-SHARE",
        "name_en": "Public transport share of trips",
        "name_sr_latn": "Udeo javnog prevoza u putovanjima",
        "name_sr_cyrl": "Удео јавног превоза у путовањима",
        "unit": "%",
        "topic": "mobility",
        "sdg_targets": ["11.2"],
        "dimensions": {},
        "decimals": 1,
        "methodology": "Trips by bus as a share of all trips, from the city's travel survey.",
    },
    {
        "code": "MOB-CAR-OWN",
        "name_en": "Passenger cars per 1000 inhabitants",
        "name_sr_latn": "Putnički automobili na 1000 stanovnika",
        "name_sr_cyrl": "Путнички аутомобили на 1000 становника",
        "unit": "cars per 1000 inhabitants",
        "topic": "mobility",
        "sdg_targets": ["11.6"],
        "dimensions": {},
        "decimals": 0,
        "methodology": "Registered passenger cars at 31 December divided by population.",
    },
]
SOURCES = {
    "ELEC_HH": "power",
    "ENE-CONS-HH": "power",
    "PT_ACCESS": "city",
    "MOB-PT-SHARE": "city",
    "MOB-CAR-OWN": "city",
}
# (request key in ctx.objects, indicator code, mapping of the file's columns)
LOADS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "request.electricity",
        "ELEC_HH",
        {
            "territory": "territory_code",
            "period": "month",
            "value": "kwh_per_capita",
            "count": "households",
        },
    ),
    (
        "request.electricity",
        "ENE-CONS-HH",
        {
            "territory": "territory_code",
            "period": "month",
            "value": "kwh_per_household",
            "count": "households",
        },
    ),
    (
        "request.pt_access",
        "PT_ACCESS",
        {
            "territory": "territory_code",
            "period": "year",
            "value": "share_within_500m_pct",
            "dimensions": {"sex": "sex"},
            "count": "residents",
        },
    ),
    (
        "request.modal_split",
        "MOB-PT-SHARE",
        {"territory": "territory_code", "period": "year", "value": "public_transport_share_pct"},
    ),
    (
        "request.modal_split",
        "MOB-CAR-OWN",
        {"territory": "territory_code", "period": "year", "value": "cars_per_1000"},
    ),
]
ENERGY = ("ELEC_HH", "ENE-CONS-HH")
MOBILITY = ("PT_ACCESS", "MOB-PT-SHARE", "MOB-CAR-OWN")
ENERGY_SERIES = "kg-energy-2023-2024"
MOBILITY_SERIES = "kg-mobility-2022-2024"
EMBARGOED_SERIES = "kg-energy-2025"


def load(ctx: Any = None) -> dict[str, int]:
    """Territories and indicators; with the demo context also data, releases, subscriptions."""
    created = _territories()
    demo_boundaries.load_boundaries()
    created += _indicators(ctx, _serbian_nsi(ctx))
    created += sdmx_demo.load(ctx)
    if ctx is not None:
        _observations(ctx)
        _releases(ctx)
        _subscriptions(ctx)
        demo_sharing.load(ctx)
    return {"created": created}


def _serbian_nsi(ctx: Any) -> Organisation:
    """The demo's Serbian NSI: the registry loader's, or (territories and indicators alone) the
    country's first NSI, made here when there is none."""
    if ctx is not None:
        return ctx.orgs["nsi"]
    country, _ = Country.objects.get_or_create(code="RS", defaults={"name": "Serbia"})
    found = Organisation.objects.filter(country=country, kind="nsi").order_by("pk").first()
    if found is not None:
        return found
    _key, name, short, kind, _parent = partnerships_demo.ORGANISATIONS[0]
    return Organisation.objects.create(
        name=name, short_name=short, kind=kind, country=country, agency_id=short
    )


def _territories(country: Any = "RS") -> int:
    created = 0
    for code, level, parent, en, latn, cyrl in TERRITORIES:
        _, made = Territory.objects.update_or_create(
            country_id=country,
            code=code,
            defaults={
                "level": level,
                "parent": Territory.objects.get(country_id=country, code=parent)
                if parent
                else None,
                "name_en": en,
                "name_sr_latn": latn,
                "name_sr_cyrl": cyrl,
            },
        )
        created += made
    return created


def _indicators(ctx: Any, owner: Organisation) -> int:
    """Missing indicators only (through the service when there is an actor to record)."""
    created = 0
    for fields in INDICATORS:
        if Indicator.objects.filter(owner=owner, code=fields["code"]).exists():
            continue
        values = {**fields, "description": f"{fields['name_en']}. {SYNTHETIC}"}
        if ctx is None:
            Indicator.objects.create(owner=owner, **values)
        else:
            services.indicator_create(
                actor=ctx.users["nsi.manager"],
                owner=owner,
                source_organisations=[ctx.orgs[SOURCES[fields["code"]]]],
                **values,
            )
        created += 1
    return created


def _indicator(code: str) -> Indicator:
    """A Serbian demo indicator by its code."""
    return Indicator.objects.get(owner__country_id="RS", owner__kind="nsi", code=code)


def _observations(ctx: Any) -> None:
    """Load each accepted request's file once (a reload would undo the later correction).

    nsi.manager accepted the files, so the other NSI manager loads them (four eyes)."""
    actor = ctx.users["nsi.approver"]
    for key, code, mapping in LOADS:
        submission = demo_requests.latest_submission(ctx.objects[key])
        indicator = _indicator(code)
        if Observation.objects.filter(submission=submission, indicator=indicator).exists():
            continue
        services.observations_load(
            submission=submission, mapping=mapping, indicator=indicator, actor=actor
        )


def _release(
    ctx: Any, series: str, title: str, codes: tuple[str, ...], period: tuple[str, str], notes: str
) -> Publication:
    return services.publication_create(
        actor=ctx.users["nsi.manager"],
        series=series,
        title=f"{title} (SYNTHETIC)",
        notes=f"{notes} {SYNTHETIC}",
        indicators=[_indicator(c) for c in codes],
        pilot=ctx.objects["pilot"],
        period_from=dt.date.fromisoformat(period[0]),
        period_to=dt.date.fromisoformat(period[1]),
    )


def _approved(ctx: Any, publication: Publication) -> Publication:
    """nsi.manager prepared it; nsi.approver approves it (four eyes)."""
    return services.publication_approve(actor=ctx.users["nsi.approver"], publication=publication)


def _releases(ctx: Any) -> None:
    """Energy v1 and its correction v2, mobility v1, and the 2025 energy release embargoed."""
    actor = ctx.users["nsi.manager"]
    loader = ctx.users["nsi.approver"]
    if not Publication.objects.filter(series=ENERGY_SERIES).exists():
        v1 = _release(
            ctx,
            ENERGY_SERIES,
            "Kragujevac household electricity 2023–2024",
            ENERGY,
            ("2023-01-01", "2024-12-31"),
            "First release of the pilot's energy indicators, from the distribution company's data.",
        )
        services.publication_publish(actor=actor, publication=_approved(ctx, v1))
    if not Publication.objects.filter(series=ENERGY_SERIES, version=2).exists():
        # The company found a double-counted feeder in Stanovo, August 2024, and sent
        # corrected rows; they are loaded and released as revision 2.
        correction = demo_requests.deliver_named(ctx, demo_requests.ELECTRICITY_CORRECTION)
        submission = demo_requests.latest_submission(correction)
        for key, code, mapping in LOADS:
            if key == "request.electricity":
                services.observations_load(
                    submission=submission, mapping=mapping, indicator=_indicator(code), actor=loader
                )
        v1 = Publication.objects.get(series=ENERGY_SERIES, version=1)
        v2 = services.publication_revise(actor=actor, publication=v1)
        services.publication_update(
            actor=actor,
            publication=v2,
            notes="Correction: Stanovo, August 2024 counted one feeder twice; Stanovo and the "
            f"city total for that month are revised. {SYNTHETIC}",
        )
        services.publication_publish(actor=actor, publication=_approved(ctx, v2))
    if not Publication.objects.filter(series=MOBILITY_SERIES).exists():
        mobility = _release(
            ctx,
            MOBILITY_SERIES,
            "Kragujevac mobility indicators 2022–2024",
            MOBILITY,
            ("2022-01-01", "2024-12-31"),
            "Access to public transport by sex, modal split and motorisation, from the city.",
        )
        services.publication_publish(actor=actor, publication=_approved(ctx, mobility))
    if not Publication.objects.filter(series=EMBARGOED_SERIES).exists():
        upcoming = _release(
            ctx,
            EMBARGOED_SERIES,
            "Kragujevac household electricity 2025",
            ENERGY,
            ("2025-01-01", "2025-12-31"),
            "The year 2025; embargoed until its release time.",
        )
        day = timezone.localdate() + dt.timedelta(days=7)
        release_at = dt.datetime.combine(
            day, dt.time(11, 0), tzinfo=timezone.get_current_timezone()
        )
        services.publication_schedule(
            actor=actor, publication=_approved(ctx, upcoming), release_at=release_at
        )


def _subscriptions(ctx: Any) -> None:
    """City staff follow electricity immediately and access to transport in a weekly digest."""
    user = ctx.users["city.staff"]
    for code, frequency in (
        ("ELEC_HH", Subscription.Frequency.IMMEDIATE),
        ("PT_ACCESS", Subscription.Frequency.WEEKLY),
    ):
        indicator = _indicator(code)
        if Subscription.objects.filter(user=user, indicators=indicator, is_active=True).exists():
            continue
        subscription_create(actor=user, indicators=[indicator], frequency=frequency, language="en")
