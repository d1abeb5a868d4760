"""Delivering notifications: claim, send, record; retry what can succeed later.

Delivery guarantee. A row is claimed (pending → sending, attempts + 1) and that is committed
BEFORE anything leaves the platform; the result is committed after. A second task for the
same row finds it sending or sent and does nothing, and (recipient, event) is unique, so no
retry, duplicate task or re-run fan-out can send twice. The one moment that cannot be made
exact is a worker dying after the receiver accepted a message and before "sent" was
committed: the row stays "sending". After a lease, the sweep resolves it per channel:
  * e-mail: at-most-once — marked failed ("outcome unknown"), never resent automatically
    (an operator can retry it from the delivery log);
  * webhook: at-least-once — sent again with the same `webhook-id`, which receivers use to
    drop duplicates, as Standard Webhooks asks them to.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ddms_platform.core.audit import audit_record
from ddms_platform.core.errors import DomainError
from ddms_platform.core.permissions import require_nsi_staff

from ..messages import EmailRenderer, message_id, render_email, shared_context, webhook_body
from ..models import Channel, DeliveryAttempt, Notification, OutboxEvent
from ..registry import handlers_for
from ..transports import (
    DeliveryError,
    is_smtp,
    open_mail_connection,
    send_email,
    send_webhook,
)
from .outbox import broker_publish
from .webhooks import webhook_endpoint_disable

log = logging.getLogger(__name__)

Status = Notification.Status


def retry_delay(attempts: int) -> float:
    """Exponential backoff with jitter: base·2^(n-1), capped, scaled by a random 50–100 %."""
    base = settings.DDMS_NOTIFY_RETRY_BASE_SECONDS
    ceiling = min(settings.DDMS_NOTIFY_RETRY_MAX_SECONDS, base * 2 ** max(attempts - 1, 0))
    return ceiling * random.uniform(0.5, 1.0)


def event_gate(event: OutboxEvent) -> dt.datetime | None:
    """The earliest time anyone may hear of the event (an embargo), or None."""
    gates = [h.not_before(event) for h in handlers_for(event.kind) if h.not_before is not None]
    return max((g for g in gates if g is not None), default=None)


def _claim(ids: Sequence[int]) -> list[Notification]:
    """Lock due pending rows, mark them sending and commit: the point of no double send."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            # Digest rows wait for their digest, whatever queued them.
            .filter(pk__in=list(ids), status=Status.PENDING, digest="")
            .select_related("event", "webhook")
        )
        if not rows:
            return []
        # Embargo check again at delivery: the release time may have moved since fan-out.
        gates = {
            row.event_id: event_gate(row.event) for row in {r.event_id: r for r in rows}.values()
        }
        held = [r for r in rows if (g := gates[r.event_id]) is not None and g > now]
        if held:
            for row in held:
                row.next_attempt_at = gates[row.event_id]
            Notification.objects.bulk_update(held, ["next_attempt_at"])
        rows = [r for r in rows if r not in held]
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=Status.SENDING, sending_started_at=now, attempts=F("attempts") + 1
        )
    for row in rows:
        row.status, row.attempts, row.sending_started_at = Status.SENDING, row.attempts + 1, now
    return rows


def record_outcomes(
    results: list[tuple[Notification, dt.datetime, int, DeliveryError | None, int | None]],
) -> list[tuple[int, float]]:
    """Write the attempts and outcomes of a batch in a constant number of queries."""
    now = timezone.now()
    max_attempts = settings.DDMS_NOTIFY_MAX_ATTEMPTS
    attempts, sent_ids, failed, retries = [], [], [], []
    for row, started, duration, error, code in results:
        attempts.append(
            DeliveryAttempt(
                notification_id=row.pk,
                started_at=started,
                duration_ms=duration,
                ok=error is None,
                status_code=error.status_code if error else code,
                error=error.message[:2000] if error else "",
            )
        )
        if error is None:
            sent_ids.append(row.pk)
            continue
        row.last_error = error.message[:2000]
        row.sending_started_at = None
        if error.transient and row.attempts < max_attempts:
            delay = retry_delay(row.attempts)
            row.status, row.next_attempt_at = Status.PENDING, now + dt.timedelta(seconds=delay)
            retries.append((row.pk, delay))
        else:
            row.status = Status.FAILED
        failed.append(row)
    with transaction.atomic():
        DeliveryAttempt.objects.bulk_create(attempts)
        if sent_ids:
            Notification.objects.filter(pk__in=sent_ids, status=Status.SENDING).update(
                status=Status.SENT, sent_at=now, last_error="", sending_started_at=None
            )
        if failed:
            Notification.objects.bulk_update(
                failed, ["status", "last_error", "next_attempt_at", "sending_started_at"]
            )
    return retries


def _queue_retries(retries: list[tuple[int, float]], channel: str) -> None:
    from ..tasks import deliver_notification

    for notification_id, delay in retries:
        try:
            broker_publish(deliver_notification, notification_id, countdown=delay)
        except Exception as exc:  # the sweep queues it once next_attempt_at has passed
            log.warning("retry of %s not queued (%s); the sweep will", notification_id, exc)


def _deliver_emails(rows: list[Notification]) -> None:
    flush_every = settings.DDMS_NOTIFY_FLUSH_EVERY
    results: list[Any] = []
    retries: list[tuple[int, float]] = []
    try:
        connection = open_mail_connection()
    except DeliveryError as exc:
        started = timezone.now()
        retries = record_outcomes([(row, started, 0, exc, None) for row in rows])
        _queue_retries(retries, Channel.EMAIL)
        return
    # Over SMTP each distinct message is rendered (templates and MIME) once per batch and
    # only the address, Message-ID and unsubscribe link are filled in per recipient.
    renderer, prerender = EmailRenderer(), is_smtp(connection)
    try:
        for row in rows:
            started, t0 = timezone.now(), time.monotonic()
            error: DeliveryError | None = None
            try:
                if prerender:
                    message = renderer.render(row, row.event)
                else:
                    message = render_email(row, row.event, renderer.shared(row.event))
                send_email(connection, message)
            except DeliveryError as exc:
                error = exc
            results.append((row, started, int((time.monotonic() - t0) * 1000), error, None))
            # Commit "sent" every few messages: a crash leaves at most this many uncertain.
            if len(results) >= flush_every:
                retries += record_outcomes(results)
                results = []
    finally:
        connection.close()
        if results:
            retries += record_outcomes(results)
    _queue_retries(retries, Channel.EMAIL)


def _deliver_webhook(row: Notification) -> None:
    started, t0 = timezone.now(), time.monotonic()
    error: DeliveryError | None = None
    code: int | None = None
    endpoint = row.webhook
    if endpoint is None or not endpoint.is_active:
        error = DeliveryError("webhook endpoint disabled", transient=False)
    else:
        try:
            result = send_webhook(
                url=endpoint.url,
                secret=endpoint.secret,
                msg_id=message_id(row),
                payload=webhook_body(row, row.event, shared_context(row.event)),
            )
            code = result.status_code
        except DeliveryError as exc:
            error = exc
    retries = record_outcomes([(row, started, int((time.monotonic() - t0) * 1000), error, code)])
    if error is not None and error.gone and endpoint is not None:
        webhook_endpoint_disable(endpoint=endpoint, reason=error.message)
    _queue_retries(retries, Channel.WEBHOOK)


def notifications_deliver(*, notification_ids: Sequence[int]) -> int:
    """Deliver due pending notifications (e-mail over one connection); returns claimed count."""
    rows = _claim(notification_ids)
    emails = [r for r in rows if r.channel == Channel.EMAIL]
    if emails:
        _deliver_emails(emails)
    for row in rows:
        if row.channel == Channel.WEBHOOK:
            _deliver_webhook(row)
    return len(rows)


def notifications_sweep() -> dict[str, int]:
    """Resolve rows a dead worker left sending; queue due pending rows whose task was lost."""
    from .fanout import queue_deliveries

    now = timezone.now()
    lease_expired = now - dt.timedelta(seconds=settings.DDMS_NOTIFY_SENDING_LEASE_SECONDS)
    stuck = Notification.objects.filter(status=Status.SENDING, sending_started_at__lt=lease_expired)
    unknown = stuck.filter(channel=Channel.EMAIL).update(
        status=Status.FAILED,
        last_error="outcome unknown: the worker stopped while sending; not resent automatically",
        sending_started_at=None,
    )
    resend = stuck.filter(channel=Channel.WEBHOOK).update(
        status=Status.PENDING, sending_started_at=None, next_attempt_at=None
    )
    stale = now - dt.timedelta(seconds=settings.DDMS_OUTBOX_STALE_SECONDS)
    due = (
        Notification.objects.filter(status=Status.PENDING, digest="", created_at__lt=stale)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .values_list("id", "channel")[: settings.DDMS_NOTIFY_BATCH_SIZE * 10]
    )
    by_channel: dict[str, list[int]] = {}
    for notification_id, channel in due:
        by_channel.setdefault(channel, []).append(notification_id)
    size = settings.DDMS_NOTIFY_BATCH_SIZE
    emails = by_channel.pop(Channel.EMAIL, [])
    for start in range(0, len(emails), size):
        queue_deliveries({Channel.EMAIL: emails[start : start + size]})
    queue_deliveries(by_channel)
    from .digests import digests_send

    digests_send(frequency=None, only_retries=True)
    return {
        "unknown": unknown,
        "resend": resend,
        "requeued": len(emails) + sum(map(len, by_channel.values())),
    }


def notification_retry(*, notification: Notification, actor: Any) -> Notification:
    """Send a failed or cancelled notification again (the delivery log's action)."""
    require_nsi_staff(actor)  # viewers read the log; only acting staff re-send
    if notification.status not in (Status.FAILED, Status.CANCELLED):
        raise DomainError(
            f"Only failed or cancelled notifications can be retried; this one is {notification.status}.",
            code="not_retryable",
        )
    before = {"status": notification.status, "attempts": notification.attempts}
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(
            status=Status.PENDING, next_attempt_at=None
        )
        notification.refresh_from_db()
        audit_record(
            actor=actor,
            action="notification.retry",
            obj=notification,
            before=before,
            after={"status": notification.status},
        )
        pk, channel = notification.pk, notification.channel

        def queue() -> None:
            from .fanout import queue_deliveries

            try:
                queue_deliveries({channel: [pk]})
            except Exception as exc:
                log.warning("retry of %s not queued (%s); the sweep will", pk, exc)

        transaction.on_commit(queue)
    return notification
