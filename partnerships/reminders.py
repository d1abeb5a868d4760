"""Daily reminders: agreements nearing their end, the escalation ladder of open requests,
agreements past their end, partnerships whose self-report is two years late.

Each reminder is an outbox event with an idempotency key, so running the job twice (or on
two beat hosts) records it once: `agreement.ending` once per agreement and end date,
`request.escalated` once per request and ladder step (services/obligations.py).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ddms_platform.notify.services import outbox_record_once

from .choices import AgreementState
from .models import Agreement
from .services.obligations import agreements_expire, escalation_run, progress_check

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


def reminders_record(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily job: record every reminder due today (idempotent)."""
    today = today or timezone.localdate()
    return {
        "agreements": agreement_reminders_record(today=today),
        "requests": escalation_run(today=today),
        "expired": agreements_expire(today=today),
        "inactive": progress_check(today=today),
    }
