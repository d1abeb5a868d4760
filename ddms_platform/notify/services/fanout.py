"""Fan-out: one notification row per recipient of an event, created and queued in batches."""

from __future__ import annotations

import datetime
import itertools
import logging
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Channel, Notification, OutboxEvent
from ..registry import Defer, Handler, Recipient, handlers_for
from .outbox import broker_publish

log = logging.getLogger(__name__)


def _chunks(items: Iterable[Recipient], size: int) -> Iterator[list[Recipient]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _not_before(handlers: list[Handler], event: OutboxEvent) -> datetime.datetime | None:
    gates = [h.not_before(event) for h in handlers if h.not_before is not None]
    return max((g for g in gates if g is not None), default=None)


def queue_deliveries(ids_by_channel: dict[str, list[int]]) -> None:
    """Queue e-mail as one batch task (one SMTP session) and each webhook on its own."""
    from ..tasks import deliver_notification, deliver_notifications

    if ids_by_channel.get(Channel.EMAIL):
        broker_publish(deliver_notifications, ids_by_channel[Channel.EMAIL])
    for notification_id in ids_by_channel.get(Channel.WEBHOOK, []):
        broker_publish(deliver_notification, notification_id)


def event_fan_out(*, event_id: int) -> int:
    """Create the notifications of an event and queue their delivery; idempotent.

    Each batch is one INSERT ... ON CONFLICT DO NOTHING and one SELECT of the ids still
    pending, whatever the batch holds, so a re-run after a crash creates nothing twice.
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
            status=OutboxEvent.Status.PENDING, available_at=gate, last_error=""
        )
        return 0
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
            with transaction.atomic():
                Notification.objects.bulk_create(rows, ignore_conflicts=True)
            created += len(rows)
            pending = Notification.objects.filter(
                event=event,
                recipient_key__in=[r.key[:320] for r in chunk],
                status=Notification.Status.PENDING,
                digest="",
            ).values_list("id", "channel")
            ids_by_channel: dict[str, list[int]] = {}
            for notification_id, channel in pending:
                ids_by_channel.setdefault(channel, []).append(notification_id)
            queue_deliveries(ids_by_channel)
    OutboxEvent.objects.filter(pk=event.pk).update(
        status=OutboxEvent.Status.DONE, processed_at=timezone.now(), last_error=""
    )
    log.info("event %s (%s): %s recipients", event.pk, event.kind, created)
    return created
