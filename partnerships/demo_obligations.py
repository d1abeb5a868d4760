"""Synthetic demo of recurring obligations: the electricity company delivers monthly, the
chamber of commerce quarterly, each with a history of periods on time, late and missing.

Periods are counted back from today, so the tables tell the same story whenever the demo is
loaded. Every step goes through the services (generation, acknowledge, upload, the real
validation engine, accept); only the upload times are then set back to when the history says
the partner sent its file, as the demo cannot wait for the months to pass. Running the loader
twice changes nothing: deliverables are looked up by agreement and title, periods are created
once, and a period that was answered is not answered again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from . import services
from .choices import AgreementState, RequestState, RunStatus
from .demo_requests import ELECTRICITY_HEADER, ELECTRICITY_SCHEMA, SYNTHETIC, _csv, _derived
from .models import Agreement, DataRequest, Deliverable, Membership, ProgressReport
from .periods import period_containing, period_label, period_start
from .services import obligations
from .services import requests as request_services
from .services.submissions import submission_upload
from .services.validation import validation_run_execute

# Oldest period first; the periods after the list are left open (not due yet, or just due).
# "retry": the first file fails validation, a corrected one follows the next day.
ELECTRICITY_HISTORY = [
    ("on_time", 3), ("on_time", 5), ("late", 6), ("on_time", 2), ("retry", 4), ("on_time", 1),
    ("missing", 0), ("on_time", 3), ("late", 11), ("on_time", 2), ("on_time", 4),
]  # fmt: skip
CHAMBER_HISTORY = [("on_time", 6), ("late", 9), ("on_time", 2)]

REGISTRATIONS_SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "territory_code", "type": "string", "constraints": {"required": True}},
        {"name": "quarter", "type": "string", "constraints": {"required": True}},
        {"name": "nace_section", "type": "string", "constraints": {"required": True}},
        {"name": "new_members", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "closed_members", "type": "integer", "constraints": {"minimum": 0}},
    ],
    "primaryKey": ["territory_code", "quarter", "nace_section"],
}
CHAMBER_AGREEMENT = "KG-2026-05"


def _electricity_file(period: str, *, broken: bool = False) -> bytes:
    rows = []
    for n, (code, population) in enumerate((("RS-KG-SG", 62_000), ("RS-KG-ST", 48_000))):
        households = round(population / 2.6)
        mwh = round(population * (0.17 + 0.01 * n), 3)
        rows.append(_derived(code, period, households, population, mwh))
    if broken:
        rows[1][4] = "-1.000"  # a negative consumption: the engine refuses it
    return _csv(ELECTRICITY_HEADER, rows)


def _registrations_file(period: str) -> bytes:
    header = [f["name"] for f in REGISTRATIONS_SCHEMA["fields"]]
    rows = [["RS-KG", period, section, 20 + i * 7, 9 + i * 2] for i, section in enumerate("CGI")]
    return _csv(header, rows)


def _chamber_agreement(ctx: Any) -> Agreement:
    agreement = Agreement.objects.filter(reference=CHAMBER_AGREEMENT).first()
    if agreement is not None:
        return agreement
    today = timezone.localdate()
    agreement = services.agreement_create(
        actor=ctx.actor,
        reference=CHAMBER_AGREEMENT,
        title="Quarterly business registrations from chamber membership data",
        nsi=ctx.orgs["regional"],
        type="data_sharing",
        domains=["economy"],
        nsi_resources=["expertise"],
        goals="New and closed businesses by activity each quarter. (synthetic demo)",
        signed_on=today - dt.timedelta(days=420),
        starts_on=today - dt.timedelta(days=400),
        ends_on=today + dt.timedelta(days=700),
        parties=[{"organisation": ctx.orgs["chamber"], "resources": ["data"], "contribution": ""}],
    )
    for target in ("negotiation", "signed", "active"):
        agreement = services.agreement_transition(
            agreement=agreement, target=target, actor=ctx.actor
        )
    return agreement


def _chamber_user(ctx: Any) -> Any:
    from .demo import demo_password

    username = "partner.chamber"
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model.objects.create_user(
            username, f"{username}@example.org", demo_password(username)
        )
    if not Membership.objects.filter(user=user, organisation=ctx.orgs["chamber"]).exists():
        services.membership_add(
            actor=ctx.actor, organisation=ctx.orgs["chamber"], user=user, role="manager"
        )
    ctx.users[username] = user
    if all(login[0] != username for login in ctx.logins):
        ctx.logins.append((username, "partner (chamber of commerce)", demo_password(username)))
    return user


def _deliverable(ctx: Any, *, agreement: Agreement, provider: str, **fields: Any) -> Deliverable:
    found = Deliverable.objects.filter(agreement=agreement, title=fields["title"]).first()
    if found is not None:
        return found
    return obligations.deliverable_create(
        actor=ctx.users["nsi.manager"], agreement=agreement, provider=ctx.orgs[provider], **fields
    )


def _upload(request: DataRequest, actor: Any, content: bytes, name: str, at: dt.datetime) -> str:
    submission = submission_upload(
        request=request, uploaded_file=ContentFile(content, name=name), actor=actor
    )
    run = validation_run_execute(run_id=submission.validation_run.pk)
    type(submission).objects.filter(pk=submission.pk).update(uploaded_at=at)
    return run.status if run is not None else RunStatus.ERROR


def _answer(ctx: Any, request: DataRequest, partner: Any, kind: str, days: int, file: Any) -> None:
    """Answer one period as the history says (missing: leave it to the ladder)."""
    if kind == "missing" or request.state != RequestState.SENT or request.submissions.exists():
        return
    assert request.due_on is not None
    offset = days if kind == "late" else -days
    at = timezone.make_aware(
        dt.datetime.combine(request.due_on + dt.timedelta(days=offset), dt.time(10))
    )
    request = request_services.request_acknowledge(request=request, actor=partner)
    name = f"SYNTHETIC_{request.period}.csv"
    if kind == "retry":
        _upload(
            request, partner, file(request.period, broken=True), name, at - dt.timedelta(days=1)
        )
    status = _upload(request, partner, file(request.period), name, at)
    if status == RunStatus.PASSED:
        request_services.request_accept(request=request, actor=ctx.users["nsi.manager"])


def _history(
    ctx: Any, deliverable: Deliverable, partner: Any, history: list[Any], file: Any
) -> None:
    requests = list(deliverable.data_requests.order_by("period"))
    for request, (kind, days) in zip(requests, history, strict=False):
        _answer(ctx, request, partner, kind, days, file)


def load(ctx: Any) -> None:
    """Two deliverables with their history, the ladder run once, and a progress report."""
    today = timezone.localdate()
    power = ctx.objects["KG-2026-01"]
    chamber = _chamber_agreement(ctx)
    ctx.objects[CHAMBER_AGREEMENT] = chamber
    chamber_user = _chamber_user(ctx)
    electricity = _deliverable(
        ctx,
        agreement=power,
        provider="power",
        title="Household electricity consumption by municipality",
        purpose=f"Monthly local energy indicators for the Energy Efficiency Programme. {SYNTHETIC}",
        legal_basis="Law on Official Statistics, Art. 28 (synthetic demo).",
        table_schema=ELECTRICITY_SCHEMA,
        dialect={"delimiter": ","},
        frequency="monthly",
        due_days=10,
        first_period=period_label("monthly", period_containing("monthly", today) - 12),
    )
    registrations = _deliverable(
        ctx,
        agreement=chamber,
        provider="chamber",
        title="New and closed businesses by activity",
        purpose=f"Quarterly business demography for the local economy indicators. {SYNTHETIC}",
        legal_basis="Agreement KG-2026-05, annex 1 (synthetic demo).",
        table_schema=REGISTRATIONS_SCHEMA,
        frequency="quarterly",
        due_days=20,
        first_period=period_label("quarterly", period_containing("quarterly", today) - 4),
    )
    ctx.objects["deliverable.electricity"] = electricity
    ctx.objects["deliverable.registrations"] = registrations
    obligations.periods_generate(today=today)
    # The periods' requests look as old as their periods.
    for deliverable in (electricity, registrations):
        for request in deliverable.data_requests.filter(sent_at__date=today):
            opened = timezone.make_aware(
                dt.datetime.combine(
                    period_start(deliverable.frequency, _index(deliverable, request.period)),
                    dt.time(6),
                )
            )
            DataRequest.objects.filter(pk=request.pk).update(sent_at=opened, created_at=opened)
    _history(ctx, electricity, ctx.users["partner.power"], ELECTRICITY_HISTORY, _electricity_file)
    _history(
        ctx,
        registrations,
        chamber_user,
        CHAMBER_HISTORY,
        lambda period, broken=False: _registrations_file(period),
    )
    obligations.escalation_run(today=today)
    if not ProgressReport.objects.filter(agreement=power).exists():
        obligations.progress_report_add(
            agreement=power,
            actor=ctx.users["partner.power"],
            summary="Monthly feed running; the price model uses it. (synthetic demo)",
            reported_on=today - dt.timedelta(days=90),
        )
    assert chamber.state == AgreementState.ACTIVE


def _index(deliverable: Deliverable, period: str) -> int:
    from .periods import period_index

    return period_index(deliverable.frequency, period)
