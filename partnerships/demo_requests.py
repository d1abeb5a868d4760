"""Synthetic demo data requests: the NSI asks the pilot's partners for data (all invented).

Every request goes through the real services: created and sent by the NSI, acknowledged and
answered with an uploaded CSV by the partner, validated by the real engine (run here
synchronously, exactly as the worker does), then accepted. A request is looked up by its
title, so running the loader twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from ddms_platform.core.errors import DomainError

from .choices import RequestDirection, RunStatus
from .models import DataRequest, Submission
from .services import requests as request_services
from .services.submissions import submission_upload
from .services.validation import validation_run_execute

SYNTHETIC = "SYNTHETIC demo data — invented for the Kragujevac demo pilot, not official figures."

# Kragujevac's urban municipalities: code, base monthly kWh per capita, population.
# Stragari is small on purpose: its per-household value falls under the disclosure rule.
MUNICIPALITIES = [
    ("RS-KG-SG", 176.0, 62_000),
    ("RS-KG-ST", 189.0, 48_000),
    ("RS-KG-AE", 183.0, 41_000),
    ("RS-KG-PI", 194.0, 33_000),
    ("RS-KG-SR", 158.0, 1_650),
]
PERSONS_PER_HOUSEHOLD = 2.6
MONTHS = [(y, m) for y in (2023, 2024, 2025) for m in range(1, 13)]
# The delivered file over-counts Stanovo in August 2024 (a feeder counted twice); the
# correction file fixes it, and revision 2 of the energy release shows the change.
ERROR_CELL = ("RS-KG-ST", "2024-08")
ERROR_FACTOR = 1.18

ELECTRICITY_SCHEMA: dict[str, Any] = {
    "fields": [
        {
            "name": "territory_code",
            "type": "string",
            "description": "Territory code of the municipality (or RS-KG for the city)",
            "constraints": {"required": True, "pattern": "RS-KG(-[A-Z]{2})?"},
        },
        {
            "name": "month",
            "type": "string",
            "description": "Month, YYYY-MM",
            "constraints": {"required": True, "pattern": "[0-9]{4}-(0[1-9]|1[0-2])"},
        },
        {"name": "households", "type": "integer", "constraints": {"required": True, "minimum": 0}},
        {"name": "population", "type": "integer", "constraints": {"required": True, "minimum": 0}},
        {"name": "consumption_mwh", "type": "number", "constraints": {"minimum": 0}},
        {"name": "kwh_per_capita", "type": "number", "constraints": {"minimum": 0}},
        {"name": "kwh_per_household", "type": "number", "constraints": {"minimum": 0}},
    ],
    "primaryKey": ["territory_code", "month"],
}

PT_ACCESS_SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "territory_code", "type": "string", "constraints": {"required": True}},
        {"name": "year", "type": "integer", "constraints": {"required": True, "minimum": 2000}},
        {"name": "sex", "type": "string", "constraints": {"enum": ["F", "M", "_T"]}},
        {"name": "residents", "type": "integer", "constraints": {"minimum": 0}},
        {
            "name": "share_within_500m_pct",
            "type": "number",
            "constraints": {"minimum": 0, "maximum": 100},
        },
    ],
    "primaryKey": ["territory_code", "year", "sex"],
}

MODAL_SPLIT_SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "territory_code", "type": "string", "constraints": {"required": True}},
        {"name": "year", "type": "integer", "constraints": {"required": True, "minimum": 2000}},
        {
            "name": "public_transport_share_pct",
            "type": "number",
            "constraints": {"minimum": 0, "maximum": 100},
        },
        {"name": "cars_per_1000", "type": "number", "constraints": {"minimum": 0}},
    ],
    "primaryKey": ["territory_code", "year"],
}


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    lines = [",".join(header)] + [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def electricity_rows() -> dict[tuple[str, str], list[Any]]:
    """The true monthly figures per municipality and for the city (seeded, so always the same)."""
    rng = random.Random(2026)
    rows: dict[tuple[str, str], list[Any]] = {}
    for year, month in MONTHS:
        period = f"{year}-{month:02d}"
        # Winter heating peak, summer air-conditioning bump, 2% a year efficiency gain.
        season = 1 + 0.32 * math.cos(2 * math.pi * (month - 1) / 12)
        season += 0.08 * math.cos(2 * math.pi * (month - 7) / 12)
        trend = 0.98 ** (year - 2023)
        totals = [0, 0, 0.0]
        for code, base, population in MUNICIPALITIES:
            households = round(population / PERSONS_PER_HOUSEHOLD)
            kwh = base * season * trend * rng.uniform(0.97, 1.03) * population
            mwh = round(kwh / 1000, 3)
            rows[(code, period)] = _derived(code, period, households, population, mwh)
            totals[0] += households
            totals[1] += population
            totals[2] += mwh
        rows[("RS-KG", period)] = _derived(
            "RS-KG", period, int(totals[0]), int(totals[1]), round(totals[2], 3)
        )
    return rows


def _derived(code: str, period: str, households: int, population: int, mwh: float) -> list[Any]:
    return [
        code,
        period,
        households,
        population,
        f"{mwh:.3f}",
        f"{mwh * 1000 / population:.2f}",
        f"{mwh * 1000 / households:.2f}",
    ]


ELECTRICITY_HEADER = [f["name"] for f in ELECTRICITY_SCHEMA["fields"]]


def _with_error(rows: dict[tuple[str, str], list[Any]]) -> dict[tuple[str, str], list[Any]]:
    """The rows as first delivered: Stanovo's August 2024 (and so the city total) too high."""
    wrong = dict(rows)
    code, period = ERROR_CELL
    true = rows[ERROR_CELL]
    extra = float(true[4]) * (ERROR_FACTOR - 1)
    for key in (ERROR_CELL, ("RS-KG", period)):
        row = rows[key]
        wrong[key] = _derived(key[0], period, row[2], row[3], round(float(row[4]) + extra, 3))
    return wrong


def electricity_csv() -> bytes:
    """Monthly household electricity per municipality 2023–2025, as the company first sent it."""
    return _csv(ELECTRICITY_HEADER, list(_with_error(electricity_rows()).values()))


def electricity_correction_csv() -> bytes:
    """The corrected rows (Stanovo and the city, August 2024)."""
    rows = electricity_rows()
    period = ERROR_CELL[1]
    return _csv(ELECTRICITY_HEADER, [rows[ERROR_CELL], rows[("RS-KG", period)]])


# 2024 share of residents within 500 m of a stop; F a little higher, +1.2 points a year.
PT_ACCESS_2024 = {"RS-KG-SG": 86.0, "RS-KG-ST": 77.0, "RS-KG-AE": 74.0, "RS-KG-PI": 70.0}
PT_ACCESS_2024["RS-KG-SR"] = 35.0


def pt_access_csv() -> bytes:
    """Access to public transport by municipality, sex and year 2022–2024 (and the city)."""
    rows: list[list[Any]] = []
    for year in (2022, 2023, 2024):
        city = {"F": [0, 0.0], "M": [0, 0.0]}
        for code, _base, population in MUNICIPALITIES:
            share = PT_ACCESS_2024[code] - 1.2 * (2024 - year)
            by_sex = {
                "F": (round(population * 0.515), share + 1.4),
                "M": (population - round(population * 0.515), share - 1.5),
            }
            for sex, (residents, pct) in by_sex.items():
                rows.append([code, year, sex, residents, f"{pct:.2f}"])
                city[sex][0] += residents
                city[sex][1] += residents * pct
            total_pct = sum(r * p for r, p in by_sex.values()) / population
            rows.append([code, year, "_T", population, f"{total_pct:.2f}"])
        for sex, (people, weighted) in city.items():
            rows.append(["RS-KG", year, sex, int(people), f"{weighted / people:.2f}"])
        total = int(city["F"][0] + city["M"][0])
        total_pct = (city["F"][1] + city["M"][1]) / total
        rows.append(["RS-KG", year, "_T", total, f"{total_pct:.2f}"])
    return _csv([f["name"] for f in PT_ACCESS_SCHEMA["fields"]], rows)


def modal_split_csv() -> bytes:
    """City-wide modal split (travel survey) and motorisation rate, 2022–2024."""
    rows = [
        ["RS-KG", 2022, "19.40", "298.1"],
        ["RS-KG", 2023, "20.30", "301.6"],
        ["RS-KG", 2024, "21.00", "305.2"],
    ]
    return _csv([f["name"] for f in MODAL_SPLIT_SCHEMA["fields"]], rows)


@dataclass
class Delivery:
    """One request answered with a file: who asks whom, under which agreement, what is sent."""

    title: str
    purpose: str
    provider: str  # organisation key in ctx.orgs
    provider_user: str  # username in ctx.users
    agreement: str  # agreement reference
    schema: dict[str, Any]
    frequency: str
    filename: str
    content: bytes
    due_in_days: int = -30
    # Who asks: the NSI office (key in ctx.orgs) and its staff account (username in ctx.users).
    requester: str = "regional"
    nsi_user: str = "nsi.manager"
    pilot: str = "pilot"  # key in ctx.objects
    legal_basis: str = "Law on Official Statistics, Art. 28 (synthetic demo)."


def _nsi_actor(ctx: Any, spec: Delivery | None = None) -> Any:
    return ctx.users[spec.nsi_user if spec is not None else "nsi.manager"]


def _create_and_send(ctx: Any, *, spec: Delivery, due_on: dt.date) -> DataRequest:
    request = request_services.request_create(
        actor=_nsi_actor(ctx, spec),
        direction=RequestDirection.ACQUISITION,
        title=spec.title,
        purpose=f"{spec.purpose} {SYNTHETIC}",
        legal_basis=spec.legal_basis,
        requester=ctx.orgs[spec.requester],
        provider=ctx.orgs[spec.provider],
        agreement=ctx.objects[spec.agreement],
        pilot=ctx.objects.get(spec.pilot),
        table_schema=spec.schema,
        frequency=spec.frequency,
        due_on=due_on,
    )
    return request_services.request_send(request=request, actor=_nsi_actor(ctx, spec))


def deliver(ctx: Any, spec: Delivery) -> DataRequest:
    """The request answered, validated (real engine) and accepted; existing ones are kept."""
    existing = DataRequest.objects.filter(title=spec.title).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    request = _create_and_send(ctx, spec=spec, due_on=today + dt.timedelta(days=spec.due_in_days))
    partner = ctx.users[spec.provider_user]
    request = request_services.request_acknowledge(request=request, actor=partner)
    submission = submission_upload(
        request=request, uploaded_file=ContentFile(spec.content, name=spec.filename), actor=partner
    )
    # The worker would do this after commit; the demo needs the verdict now to accept.
    run = validation_run_execute(run_id=submission.validation_run.pk)
    if run is None or run.status != RunStatus.PASSED:
        report = run.report if run is not None else None
        raise DomainError(f"The demo file {spec.filename} did not validate: {report}")
    return request_services.request_accept(request=request, actor=_nsi_actor(ctx, spec))


def latest_submission(request: DataRequest) -> Submission:
    """The request's latest submission (the accepted one)."""
    return request.submissions.select_related("validation_run").order_by("-version")[0]


ELECTRICITY = Delivery(
    title="Monthly household electricity consumption by municipality, 2023–2025",
    purpose="Local energy indicators for the Kragujevac Energy Efficiency Programme.",
    provider="power",
    provider_user="partner.power",
    agreement="KG-2026-01",
    schema=ELECTRICITY_SCHEMA,
    frequency="monthly",
    filename="SYNTHETIC_household_electricity_2023-2025.csv",
    content=b"",  # generated on use (see `load`)
)
ELECTRICITY_CORRECTION = Delivery(
    title="Correction: household electricity consumption, August 2024",
    purpose="Stanovo's August 2024 figure counted one feeder twice; please send corrected rows.",
    provider="power",
    provider_user="partner.power",
    agreement="KG-2026-01",
    schema=ELECTRICITY_SCHEMA,
    frequency="one_off",
    filename="SYNTHETIC_household_electricity_2024-08_corrected.csv",
    content=b"",
    due_in_days=-2,
)
PT_ACCESS = Delivery(
    title="Residents within 500 m of a public transport stop, by sex, 2022–2024",
    purpose="SDG 11.2.1 for the Sustainable Urban Mobility Plan.",
    provider="city",
    provider_user="city.staff",
    agreement="KG-2026-02",
    schema=PT_ACCESS_SCHEMA,
    frequency="yearly",
    filename="SYNTHETIC_pt_access_2022-2024.csv",
    content=b"",
)
MODAL_SPLIT = Delivery(
    title="Modal split and motorisation rate, 2022–2024",
    purpose="Public transport share of trips and cars per 1000 inhabitants for the mobility plan.",
    provider="city",
    provider_user="city.staff",
    agreement="KG-2026-02",
    schema=MODAL_SPLIT_SCHEMA,
    frequency="yearly",
    filename="SYNTHETIC_modal_split_2022-2024.csv",
    content=b"",
)
CONTENT = {
    ELECTRICITY.title: electricity_csv,
    ELECTRICITY_CORRECTION.title: electricity_correction_csv,
    PT_ACCESS.title: pt_access_csv,
    MODAL_SPLIT.title: modal_split_csv,
}

LOAD_PROFILE_SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "zone", "type": "string", "constraints": {"required": True}},
        {"name": "timestamp", "type": "datetime", "constraints": {"required": True}},
        {"name": "load_kw", "type": "number", "constraints": {"minimum": 0}},
    ],
    "primaryKey": ["zone", "timestamp"],
}
METERS_SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "territory_code", "type": "string", "constraints": {"required": True}},
        {"name": "meter_type", "type": "string", "constraints": {"enum": ["prepaid", "smart"]}},
        {"name": "meters", "type": "integer", "constraints": {"minimum": 0}},
    ],
    "primaryKey": ["territory_code", "meter_type"],
}
OPEN_REQUESTS = [
    # title, schema, due in days (negative: overdue), acknowledged by the partner?
    ("Quarter-hour load profiles of the industrial zone, 2025", LOAD_PROFILE_SCHEMA, 5, False),
    ("Number of prepaid and smart meters by municipality, 2025", METERS_SCHEMA, -9, True),
]


def deliver_named(ctx: Any, spec: Delivery) -> DataRequest:
    """`deliver` with the spec's synthetic file generated now (cheap, deterministic)."""
    spec.content = CONTENT[spec.title]()
    return deliver(ctx, spec)


def load(ctx: Any) -> None:
    """Accepted requests with validated files, and two open ones (one due soon, one overdue)."""
    ctx.objects["request.electricity"] = deliver_named(ctx, ELECTRICITY)
    ctx.objects["request.pt_access"] = deliver_named(ctx, PT_ACCESS)
    ctx.objects["request.modal_split"] = deliver_named(ctx, MODAL_SPLIT)
    today = timezone.localdate()
    for title, schema, due, acknowledged in OPEN_REQUESTS:
        if DataRequest.objects.filter(title=title).exists():
            continue
        spec = Delivery(
            title=title,
            purpose="Needed for the electricity price model of the pilot.",
            provider="power",
            provider_user="partner.power",
            agreement="KG-2026-01",
            schema=schema,
            frequency="one_off",
            filename="",
            content=b"",
        )
        request = _create_and_send(ctx, spec=spec, due_on=today + dt.timedelta(days=due))
        if acknowledged:
            request_services.request_acknowledge(request=request, actor=ctx.users["partner.power"])
