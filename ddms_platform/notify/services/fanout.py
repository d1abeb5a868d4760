"""Fan-out: one notification row per recipient of an event, created and queued in batches."""

from __future__ import annotations

import datetime
import itertools
import logging
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ddms_platform.core.jobs import job_publish, lease_kept

from ..models import Channel, DeliveryBatch, Notification, OutboxEvent
from ..registry import Defer, Handler, Recipient, handlers_for

log = logging.getLogger(__name__)


def _chunks(items: Iterable[Recipient], size: int) -> Iterator[list[Recipient]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _not_before(handlers: list[Handler], event: OutboxEvent) -> datetime.datetime | None:
    gates = [h.not_before(event) for h in handlers if h.not_before is not None]
    return max((g for g in gates if g is not None), default=None)


def batches_create(event_id: int, rows: list[Notification], channel: str) -> list[DeliveryBatch]:
    """Delivery jobs for rows of one event not yet owned by one: e-mails in one batch (one
    SMTP session), each webhook its own (one slow endpoint holds up no other)."""
    groups = [rows] if channel == Channel.EMAIL else [[row] for row in rows]
    batches = DeliveryBatch.objects.bulk_create(
        [DeliveryBatch(event_id=event_id, channel=channel) for _ in groups]
    )
    for batch, group in zip(batches, groups, strict=True):
        Notification.objects.filter(pk__in=[r.pk for r in group]).update(batch=batch)
    return batches


def batches_queue(batches: list[DeliveryBatch]) -> None:
    """Hand the batches to the broker now; what it does not take, the job sweep hands over."""
    from ..tasks import deliver_batch

    for batch in batches:
        if not job_publish(deliver_batch, batch.pk):
            break


def event_fan_out(*, event_id: int) -> int:
    """Create the notifications of an event and their delivery jobs; idempotent.

    Each chunk is one transaction: the rows (INSERT ... ON CONFLICT DO NOTHING) and the
    delivery batches owning the rows that are new, so a re-run after a crash creates
    nothing twice and every row is owned by a batch whose lease the job sweep watches.
    """
    event = OutboxEvent.objects.filter(pk=event_id).first()
    if event is None or event.status == OutboxEvent.Status.DONE:
        return 0
    handlers = handlers_for(event.kind)
    now = timezone.now()
    try:
        gate = _not_before(handlers, event)
    except Defer as exc:
        gate = exc.until
    if gate is not None and gate > now:
        # Embargoed: tell nobody now; the relay hands the event over again at the gate.
        OutboxEvent.objects.filter(pk=event.pk).update(
            status=OutboxEvent.Status.PENDING, available_at=gate, last_error="", heartbeat_at=None
        )
        return 0
    mine = OutboxEvent.objects.filter(pk=event.pk, status=OutboxEvent.Status.DISPATCHED)
    mine.update(heartbeat_at=now)
    with lease_kept(mine):
        created = _fan_out(event, handlers, gate)
    OutboxEvent.objects.filter(pk=event.pk).update(
        status=OutboxEvent.Status.DONE,
        processed_at=timezone.now(),
        last_error="",
        heartbeat_at=None,
    )
    log.info("event %s (%s): %s recipients", event.pk, event.kind, created)
    return created


def _fan_out(event: OutboxEvent, handlers: list[Handler], gate: datetime.datetime | None) -> int:
    size = settings.DDMS_NOTIFY_BATCH_SIZE
    created = 0
    for handler in handlers:
        for chunk in _chunks(handler.recipients(event), size):
            rows = [
                Notification(
                    event=event,
                    channel=r.channel,
                    recipient_key=r.key[:320],
                    email=r.email,
                    webhook_id=r.webhook_id,
                    user_id=r.user_id,
                    subscription_id=r.subscription_id,
                    language=r.language,
                    digest=r.digest,
                    context=r.context,
                    next_attempt_at=gate,
                )
                for r in chunk
            ]
            batches: list[DeliveryBatch] = []
            with transaction.atomic():
                Notification.objects.bulk_create(rows, ignore_conflicts=True)
                # Rows without a batch: the new ones (and any a crashed run left unowned).
                unowned = Notification.objects.filter(
                    event=event,
                    recipient_key__in=[r.key[:320] for r in chunk],
                    status=Notification.Status.PENDING,
                    digest="",
                    batch__isnull=True,
                ).only("pk", "channel")
                by_channel: dict[str, list[Notification]] = {}
                for row in unowned:
                    by_channel.setdefault(row.channel, []).append(row)
                for channel, owned in by_channel.items():
                    batches += batches_create(event.pk, owned, channel)
            created += len(rows)
            batches_queue(batches)
    return created
