"""The transactional outbox: record with the change, hand to the broker after commit.

An event is a row written in the transaction of its cause, so it exists exactly when the
change does. Handing it to the broker is best effort right after commit and guaranteed by
the periodic relay: a broker outage delays notifications but loses none.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from ddms_platform.core.broker import BrokerUnavailable, broker_publish
from ddms_platform.core.jobs import lease_seconds

from ..models import OutboxEvent

log = logging.getLogger(__name__)


def outbox_record(
    *, kind: str, obj: models.Model | None = None, payload: dict[str, Any] | None = None
) -> OutboxEvent:
    """Store an event for later delivery; call inside the transaction of the change."""
    event = OutboxEvent.objects.create(
        kind=kind,
        payload=payload or {},
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )
    event_id = event.pk
    # Best effort: if this fails (broker down), the relay picks the row up later.
    transaction.on_commit(lambda: outbox_dispatch(event_id=event_id), robust=True)
    return event


def outbox_record_once(
    *, key: str, kind: str, obj: models.Model | None = None, payload: dict[str, Any] | None = None
) -> OutboxEvent | None:
    """Record an event unless one with this idempotency key exists; None when it did."""
    if OutboxEvent.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin must not break the caller
            event = outbox_record(kind=kind, obj=obj, payload=payload)
            OutboxEvent.objects.filter(pk=event.pk).update(key=key)
    except IntegrityError:
        return None
    event.key = key
    return event


def _due() -> Q:
    return Q(available_at__isnull=True) | Q(available_at__lte=timezone.now())


def outbox_dispatch(*, event_id: int) -> bool:
    """Claim a pending event and queue its processing; on a broker error, put it back."""
    from ..tasks import process_event

    now = timezone.now()
    claimed = (
        OutboxEvent.objects.filter(_due(), pk=event_id, status=OutboxEvent.Status.PENDING)
        # The conditional update is the claim: the relay and on-commit never both publish.
        .update(status=OutboxEvent.Status.DISPATCHED, dispatched_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    try:
        broker_publish(process_event, event_id)
    except BrokerUnavailable as exc:
        log.warning("outbox event %s stays pending: broker publish failed: %s", event_id, exc)
        OutboxEvent.objects.filter(pk=event_id, status=OutboxEvent.Status.DISPATCHED).update(
            status=OutboxEvent.Status.PENDING, last_error=f"publish failed: {exc}"[:2000]
        )
        return False
    return True


def outbox_relay(*, limit: int = 500) -> int:
    """Queue due pending events and re-queue ones dispatched long ago and never finished."""
    now = timezone.now()
    stale_before = now - dt.timedelta(seconds=settings.DDMS_OUTBOX_STALE_SECONDS)
    lease_expired = now - dt.timedelta(seconds=lease_seconds())
    # A dispatched event whose message was lost (broker restart) never starts; one whose
    # worker died mid fan-out stops renewing its lease. Processing is idempotent, so queueing
    # either again is safe.
    OutboxEvent.objects.filter(status=OutboxEvent.Status.DISPATCHED).filter(
        Q(heartbeat_at__isnull=True, dispatched_at__lt=stale_before)
        | Q(heartbeat_at__lt=lease_expired)
    ).update(status=OutboxEvent.Status.PENDING, heartbeat_at=None)
    ids = list(
        OutboxEvent.objects.filter(_due(), status=OutboxEvent.Status.PENDING)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    queued = 0
    for event_id in ids:
        if outbox_dispatch(event_id=event_id):
            queued += 1
        elif OutboxEvent.objects.filter(pk=event_id, status=OutboxEvent.Status.PENDING).exists():
            break  # the broker is down: stop here instead of timing out once per row
    return queued
