"""Daily reminders: agreements nearing their end, requests due soon or overdue.

Each reminder is an outbox event with an idempotency key, so running the job twice (or on
two beat hosts) records it once: `agreement.ending` once per agreement and end date,
`request.due_soon` and `request.transitioned` with `to="overdue"` at most once per request
and day.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ddms_platform.notify.services import outbox_record_once

from .choices import AgreementState
from .models import Agreement, DataRequest
from .models.requests import OPEN_REQUEST_STATES
from .notifications import DUE_SOON, OVERDUE

RUNNING_AGREEMENTS = (AgreementState.SIGNED, AgreementState.ACTIVE)


def agreement_reminders_record(*, today: dt.date) -> int:
    """`agreement.ending` for running agreements whose end is within their notice period."""
    recorded = 0
    agreements = (
        Agreement.objects.filter(state__in=RUNNING_AGREEMENTS, ends_on__gte=today)
        # ends_on - notice <= today, written without date arithmetic in SQL (portable).
        .only("pk", "ends_on", "renewal_notice_days")
        .order_by("ends_on", "pk")
    )
    for agreement in agreements.iterator():
        assert agreement.ends_on is not None  # filtered above
        days_left = (agreement.ends_on - today).days
        if days_left > agreement.renewal_notice_days:
            continue
        with transaction.atomic():
            event = outbox_record_once(
                key=f"agreement.ending:{agreement.pk}:{agreement.ends_on.isoformat()}",
                kind="agreement.ending",
                obj=agreement,
                payload={
                    "agreement_id": agreement.pk,
                    "ends_on": agreement.ends_on.isoformat(),
                    "days_left": days_left,
                },
            )
        recorded += event is not None
    return recorded


def request_reminders_record(*, today: dt.date) -> int:
    """Due-soon and overdue reminders for open requests, at most one per request per day."""
    horizon = today + dt.timedelta(days=settings.DDMS_REMINDER_DAYS)
    requests = (
        DataRequest.objects.filter(state__in=OPEN_REQUEST_STATES, due_on__lte=horizon)
        .only("pk", "due_on", "state")
        .order_by("due_on", "pk")
    )
    recorded = 0
    for request in requests.iterator():
        assert request.due_on is not None  # filtered above
        overdue = request.due_on < today
        payload = {
            "request_id": request.pk,
            "due_on": request.due_on.isoformat(),
            "date": today.isoformat(),
        }
        if overdue:
            # "overdue" is derived, not a state: the event says so without moving the request.
            payload |= {"from": request.state, "to": OVERDUE, "actor_id": None, "reason": ""}
        kind = "request.transitioned" if overdue else DUE_SOON
        with transaction.atomic():
            event = outbox_record_once(
                key=f"{'request.overdue' if overdue else DUE_SOON}:{request.pk}:{today}",
                kind=kind,
                obj=request,
                payload=payload,
            )
        recorded += event is not None
    return recorded


def reminders_record(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily job: record every reminder due today (idempotent)."""
    today = today or timezone.localdate()
    return {
        "agreements": agreement_reminders_record(today=today),
        "requests": request_reminders_record(today=today),
    }
