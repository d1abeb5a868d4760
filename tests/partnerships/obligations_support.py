"""Helpers of the recurring-obligation tests: a data-sharing agreement with a deliverable."""

from __future__ import annotations

import datetime as dt
from typing import Any

from partnerships.models import Agreement, Deliverable
from tests.factories import SIMPLE_SCHEMA, AgreementFactory


def make_deliverable(
    world: Any,
    *,
    frequency: str = "monthly",
    first_period: str = "2026-01",
    last_period: str = "",
    due_days: int = 15,
    agreement: Agreement | None = None,
    ends_on: dt.date | None = None,
    state: str = "active",
    provider: Any = None,
    **fields: Any,
) -> Deliverable:
    """A deliverable of an active data-sharing agreement between the world's NSI and partner A."""
    provider = provider or world.partner_a
    if agreement is None:
        agreement = AgreementFactory(
            nsi=world.nsi, partners=[provider], state=state, ends_on=ends_on
        )
    return Deliverable.objects.create(
        agreement=agreement,
        provider=provider,
        title=fields.pop("title", "Electricity consumption"),
        purpose="Consumption by district for the energy indicators.",
        table_schema=dict(SIMPLE_SCHEMA),
        frequency=frequency,
        due_days=due_days,
        first_period=first_period,
        last_period=last_period,
        **fields,
    )


def deliver(request: Any, day: dt.date, *statuses: str) -> None:
    """Upload one version per status on `day` (noon local time); '' leaves a version unrun."""
    from django.utils import timezone

    from partnerships.models import Submission, ValidationRun

    for version, status in enumerate(statuses or ("passed",), start=1):
        submission = Submission.objects.create(
            request=request,
            version=version,
            file=f"p{request.pk}v{version}.csv",
            original_name="data.csv",
            format="csv",
            size=1,
            sha256=f"{request.pk}-{version}",
        )
        if status:
            ValidationRun.objects.create(submission=submission, status=status)
        uploaded = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
        Submission.objects.filter(pk=submission.pk).update(
            uploaded_at=uploaded + dt.timedelta(minutes=version)
        )


def completeness_fixture(world: Any) -> tuple[Deliverable, Deliverable, dt.date]:
    """Two deliverables with a hand-counted history; see test_obligations_completeness.py."""
    from partnerships.models import DataRequest
    from partnerships.services.obligations import periods_generate

    today = dt.date(2026, 7, 20)
    monthly = make_deliverable(world, first_period="2026-01")
    quarterly = make_deliverable(
        world,
        frequency="quarterly",
        first_period="2026-Q1",
        provider=world.partner_b,
        title="Registrations",
    )
    periods_generate(today=today)
    by_period = {
        (r.deliverable_id, r.period): r
        for r in DataRequest.objects.filter(deliverable__isnull=False)
    }

    def m(period: str) -> Any:
        return by_period[(monthly.pk, period)]

    def q(period: str) -> Any:
        return by_period[(quarterly.pk, period)]

    deliver(m("2026-01"), dt.date(2026, 2, 10), "passed")  # on time, first try
    deliver(m("2026-02"), dt.date(2026, 3, 20), "failed", "passed")  # late, second try
    deliver(m("2026-03"), dt.date(2026, 4, 15), "passed")  # on the due day: on time
    # 2026-04: nothing (missing)
    deliver(m("2026-05"), dt.date(2026, 6, 1), "failed")  # on time, failed first try
    # 2026-06: nothing, due 15 July (missing); 2026-07: due 15 August (pending)
    deliver(q("2026-Q1"), dt.date(2026, 4, 1), "passed")  # on time
    deliver(q("2026-Q2"), dt.date(2026, 7, 16), "")  # late, validation not run yet
    return monthly, quarterly, today
