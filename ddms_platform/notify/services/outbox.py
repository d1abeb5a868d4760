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
from kombu.exceptions import OperationalError as KombuOperationalError

from ..models import OutboxEvent

log = logging.getLogger(__name__)


def broker_publish(task: Any, *args: Any, countdown: float | None = None) -> None:
    """Queue a task without ever blocking for long: one connection attempt, no retries.

    Raises when the broker is unreachable; the caller keeps the database row as the source
    of truth and a periodic sweep queues it again later. Without the explicit single
    attempt, kombu retries the connection with growing sleeps (seconds) inside the request.
    """
    app = task.app
    if app.conf.task_always_eager:
        task.apply_async(args=args, countdown=countdown)
        return
    with app.producer_or_acquire() as producer:
        # Connect timeout comes from broker_connection_timeout / the transport options.
        producer.connection.ensure_connection(max_retries=0)
        task.apply_async(args=args, countdown=countdown, producer=producer, retry=False)


def publish_after_commit(task: Any, *args: Any) -> None:
    """Queue `task(*args)` once the current transaction commits, never blocking for long.

    For jobs whose state lives in their own row (a validation run, an observation load): if
    the broker is unreachable the row stays queued and its app's periodic sweep queues it
    again, so the web request that created it still succeeds.
    """

    def publish() -> None:
        if task.app.conf.task_always_eager:
            broker_publish(task, *args)  # runs inline: let the job's own errors surface
            return
        try:
            broker_publish(task, *args)
        except (KombuOperationalError, OSError) as exc:
            log.warning("broker unreachable, %s%r left for the sweep: %s", task.name, args, exc)

    transaction.on_commit(publish)


def requeue_unstarted(
    queryset: models.QuerySet[Any], task: Any, *, older_than: dt.timedelta, limit: int = 500
) -> int:
    """Queue again the jobs of `queryset` that no worker has started for `older_than`.

    The queryset's model has `status`, `attempts` and `queued_at` (a validation run, an
    observation load). Only rows still queued and never attempted are taken, and their
    `queued_at` moves to now, so a slow queue is not flooded with copies. Stops at the first
    broker failure: the next sweep tries again.
    """
    now = timezone.now()
    ids = list(
        queryset.filter(status="queued", attempts=0, queued_at__lt=now - older_than)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        broker_publish(task, pk)
        queryset.model._default_manager.filter(pk=pk).update(queued_at=now)
    return len(ids)


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
    except Exception as exc:
        log.warning(
            "outbox event %s stays pending: broker publish failed: %s", event_id, exc, exc_info=True
        )
        OutboxEvent.objects.filter(pk=event_id, status=OutboxEvent.Status.DISPATCHED).update(
            status=OutboxEvent.Status.PENDING, last_error=f"publish failed: {exc}"[:2000]
        )
        return False
    return True


def outbox_relay(*, limit: int = 500) -> int:
    """Queue due pending events and re-queue ones dispatched long ago and never finished."""
    stale_before = timezone.now() - dt.timedelta(seconds=settings.DDMS_OUTBOX_STALE_SECONDS)
    # A dispatched event whose message was lost (broker restart, worker killed before its
    # ack) never reaches done; processing is idempotent, so queueing it again is safe.
    OutboxEvent.objects.filter(
        status=OutboxEvent.Status.DISPATCHED, dispatched_at__lt=stale_before
    ).update(status=OutboxEvent.Status.PENDING)
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
