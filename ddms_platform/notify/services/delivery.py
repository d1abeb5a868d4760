"""Delivering notifications: one state per message, recorded as it changes.

Delivery guarantee. Each message goes pending → sending ("handed to the transport") →
sent / failed / pending again (a transient failure, with a backoff). The sending mark is
committed BEFORE the message leaves, the answer right after it, in the same transaction as
the next message's sending mark. So a worker that dies leaves at most ONE message per
connection in flight, and every message it never reached is still pending. The batch job
that owned them (DeliveryBatch, core/jobs.py) loses its lease, the job sweep queues it
again, and the next worker sends the pending ones and resolves the one in flight per channel:
  * e-mail: at-most-once — `unknown` ("outcome unknown"), never resent automatically; an
    operator may retry it, confirming that a second copy is acceptable;
  * webhook: at-least-once — sent again with the same `webhook-id`, which receivers use to
    drop duplicates, as Standard Webhooks asks them to.
A row recorded `sent` is never sent again: no path moves it back to pending.
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
from django.db.models import Case, DateTimeField, F, Q, TextField, Value, When
from django.utils import timezone

from ddms_platform.core.audit import audit_record
from ddms_platform.core.errors import DomainError
from ddms_platform.core.jobs import JobRunner
from ddms_platform.core.permissions import require_nsi_staff

from ..messages import EmailRenderer, message_id, render_email, shared_context, webhook_body
from ..models import Channel, DeliveryAttempt, DeliveryBatch, Notification, OutboxEvent
from ..registry import handlers_for
from ..transports import (
    DeliveryError,
    is_smtp,
    open_mail_connection,
    send_email,
    send_webhook,
)
from .webhooks import webhook_endpoint_disable

log = logging.getLogger(__name__)

Status = Notification.Status
UNKNOWN_OUTCOME = (
    "outcome unknown: handed to the mail server by a worker that stopped before recording "
    "the answer; it may have arrived. Not resent automatically."
)
Result = tuple[Notification, dt.datetime, int, DeliveryError | None, int | None]
ATTEMPT_LOG_EVERY = 100


def retry_delay(attempts: int) -> float:
    """Exponential backoff with jitter: base·2^(n-1), capped, scaled by a random 50–100 %."""
    base = settings.DDMS_NOTIFY_RETRY_BASE_SECONDS
    ceiling = min(settings.DDMS_NOTIFY_RETRY_MAX_SECONDS, base * 2 ** max(attempts - 1, 0))
    return ceiling * random.uniform(0.5, 1.0)


def event_gate(event: OutboxEvent) -> dt.datetime | None:
    """The earliest time anyone may hear of the event (an embargo), or None."""
    gates = [h.not_before(event) for h in handlers_for(event.kind) if h.not_before is not None]
    return max((g for g in gates if g is not None), default=None)


def _due(rows: list[Notification]) -> list[Notification]:
    """The rows that may go now; embargoed ones wait (`next_attempt_at`) for the sweep."""
    now = timezone.now()
    rows = [
        r
        for r in rows
        if r.status == Status.PENDING
        and not r.digest  # digest rows wait for their digest, whatever queued them
        and (r.next_attempt_at is None or r.next_attempt_at <= now)
    ]
    # Embargo check again at delivery: the release time may have moved since fan-out.
    gates = {r.event_id: event_gate(r.event) for r in {r.event_id: r for r in rows}.values()}
    held = [r for r in rows if (g := gates[r.event_id]) is not None and g > now]
    for row in held:
        row.next_attempt_at = gates[row.event_id]
    if held:
        Notification.objects.bulk_update(held, ["next_attempt_at"])
    return [r for r in rows if r not in held]


def _hand_over(row: Notification) -> bool:
    """Mark one row sending (inside the caller's transaction); False if it is not pending."""
    now = timezone.now()
    claimed = Notification.objects.filter(pk=row.pk, status=Status.PENDING).update(
        status=Status.SENDING, sending_started_at=now, attempts=F("attempts") + 1
    )
    if claimed:
        row.status, row.attempts, row.sending_started_at = Status.SENDING, row.attempts + 1, now
    return bool(claimed)


def record_outcomes(results: list[Result]) -> None:
    """Write the attempts and outcomes of some messages in a constant number of queries.

    A transient failure goes back to pending with a backoff (`next_attempt_at`); the sweep
    hands it to a new delivery batch when that time has come.
    """
    now = timezone.now()
    max_attempts = settings.DDMS_NOTIFY_MAX_ATTEMPTS
    attempts, sent_ids, failed = [], [], []
    for row, started, duration, error, code in results:
        attempts.append(_attempt((row, started, duration, error, code)))
        if error is None:
            sent_ids.append(row.pk)
            continue
        row.last_error = error.message[:2000]
        row.sending_started_at = None
        if error.transient and row.attempts < max_attempts:
            delay = retry_delay(row.attempts)
            row.status, row.next_attempt_at = Status.PENDING, now + dt.timedelta(seconds=delay)
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
                failed,
                ["status", "last_error", "next_attempt_at", "sending_started_at", "attempts"],
            )


def _attempt(result: Result) -> DeliveryAttempt:
    row, started, duration, error, code = result
    return DeliveryAttempt(
        notification_id=row.pk,
        started_at=started,
        duration_ms=duration,
        ok=error is None,
        status_code=error.status_code if error else code,
        error=error.message[:2000] if error else "",
    )


def _sent_and_hand_over(sent: Notification, row: Notification) -> bool:
    """One UPDATE (one commit): `sent` is sent, `row` goes sending; whether `row` was claimed.

    The common case of the per-message bookkeeping, so exact state costs one round trip.
    """
    now = timezone.now()
    when_sent = When(pk=sent.pk, then=Value(Status.SENT))
    changed = Notification.objects.filter(
        Q(pk=sent.pk, status=Status.SENDING) | Q(pk=row.pk, status=Status.PENDING)
    ).update(
        status=Case(when_sent, default=Value(Status.SENDING)),
        sent_at=Case(
            When(pk=sent.pk, then=Value(now, output_field=DateTimeField())), default=F("sent_at")
        ),
        last_error=Case(
            When(pk=sent.pk, then=Value("")), default=F("last_error"), output_field=TextField()
        ),
        sending_started_at=Case(
            When(pk=sent.pk, then=Value(None, output_field=DateTimeField())),
            default=Value(now, output_field=DateTimeField()),
        ),
        attempts=Case(When(pk=sent.pk, then=F("attempts")), default=F("attempts") + 1),
    )
    if changed == 1:  # rare: one of the two was not as expected; ask which
        changed += Notification.objects.filter(
            pk=row.pk, status=Status.SENDING, sending_started_at=now
        ).exists()
    claimed = changed == 2
    if claimed:
        row.status, row.attempts, row.sending_started_at = Status.SENDING, row.attempts + 1, now
    return claimed


def _deliver_emails(rows: list[Notification]) -> None:
    try:
        connection = open_mail_connection()
    except DeliveryError as exc:
        started = timezone.now()
        for row in rows:
            row.attempts += 1
        record_outcomes([(row, started, 0, exc, None) for row in rows])
        return
    # Over SMTP each distinct message is rendered (templates and MIME) once per batch and
    # only the address, Message-ID and unsubscribe link are filled in per recipient.
    renderer, prerender = EmailRenderer(), is_smtp(connection)
    answered: Result | None = None
    # The attempt log of successes is written every ATTEMPT_LOG_EVERY messages; the states
    # themselves are committed message by message.
    log: list[DeliveryAttempt] = []
    try:
        for row in rows:
            # One commit per message: the previous answer and this hand-over together.
            if answered is not None and answered[3] is None:
                claimed = _sent_and_hand_over(answered[0], row)
                log.append(_attempt(answered))
            else:
                with transaction.atomic():
                    if answered is not None:
                        record_outcomes([answered])
                    claimed = _hand_over(row)
            answered = None
            if len(log) >= ATTEMPT_LOG_EVERY:
                DeliveryAttempt.objects.bulk_create(log)
                log = []
            if not claimed:
                continue
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
            answered = (row, started, int((time.monotonic() - t0) * 1000), error, None)
    finally:
        connection.close()
        if answered is not None:
            record_outcomes([answered])
        if log:
            DeliveryAttempt.objects.bulk_create(log)


def _deliver_webhook(row: Notification) -> None:
    if not _hand_over(row):
        return
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
    record_outcomes([(row, started, int((time.monotonic() - t0) * 1000), error, code)])
    if error is not None and error.gone and endpoint is not None:
        webhook_endpoint_disable(endpoint=endpoint, reason=error.message)


def _deliver(rows: list[Notification]) -> int:
    rows = _due(rows)
    emails = [r for r in rows if r.channel == Channel.EMAIL]
    if emails:
        _deliver_emails(emails)
    for row in rows:
        if row.channel == Channel.WEBHOOK:
            _deliver_webhook(row)
    return len(rows)


def notifications_deliver(*, notification_ids: Sequence[int]) -> int:
    """Deliver these notifications now if due and pending (e-mail over one connection)."""
    rows = list(
        Notification.objects.filter(pk__in=list(notification_ids), status=Status.PENDING)
        .select_related("event", "webhook")
        .order_by("pk")
    )
    return _deliver(rows)


def _resolve_in_flight(rows: list[Notification]) -> None:
    """Rows a dead holder left `sending`: e-mail outcome unknown, webhooks go again."""
    emails = [r.pk for r in rows if r.channel == Channel.EMAIL]
    hooks = [r.pk for r in rows if r.channel != Channel.EMAIL]
    if emails:
        Notification.objects.filter(pk__in=emails, status=Status.SENDING).update(
            status=Status.UNKNOWN, last_error=UNKNOWN_OUTCOME, sending_started_at=None
        )
    if hooks:
        Notification.objects.filter(pk__in=hooks, status=Status.SENDING).update(
            status=Status.PENDING, sending_started_at=None, next_attempt_at=None
        )
    for row in rows:
        row.status = Status.UNKNOWN if row.channel == Channel.EMAIL else Status.PENDING


class DeliveryBatchRunner(JobRunner[DeliveryBatch]):
    """Deliver a batch's pending rows; after a dead worker, resolve its one row in flight."""

    model = DeliveryBatch
    label = "Delivery"

    def execute(self, job: DeliveryBatch) -> dict[str, Any]:
        rows = list(
            job.notifications.filter(status__in=[Status.PENDING, Status.SENDING])
            .select_related("event", "webhook")
            .order_by("pk")
        )
        # Only one worker holds the batch, so a row already sending was left by the last one.
        _resolve_in_flight([r for r in rows if r.status == Status.SENDING])
        _deliver([r for r in rows if r.status == Status.PENDING])
        return {"status": DeliveryBatch.Status.DONE}


delivery_batch_runner = DeliveryBatchRunner()


def notifications_sweep() -> dict[str, int]:
    """Resolve rows left sending outside a batch; give due pending rows a new batch.

    A pending row outside a live batch is one that waited (a retry's backoff, an embargo)
    or whose batch ended; it gets a new delivery batch as soon as it is due.
    """
    from .fanout import batches_create, batches_queue

    now = timezone.now()
    lease_expired = now - dt.timedelta(seconds=settings.DDMS_NOTIFY_SENDING_LEASE_SECONDS)
    finished = DeliveryBatch.FINISHED
    # Digests send outside batches (their own lease); a batch ended by the job sweep (its
    # attempt limit) leaves its row in flight to be resolved here.
    stuck = list(
        Notification.objects.filter(status=Status.SENDING)
        .filter(
            Q(batch__isnull=True, sending_started_at__lt=lease_expired)
            | Q(batch__status__in=finished)
        )
        .only("pk", "channel")
    )
    _resolve_in_flight(stuck)
    due = list(
        Notification.objects.filter(status=Status.PENDING, digest="")
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(batch__isnull=True) | Q(batch__status__in=finished))
        .order_by("pk")
        .only("pk", "channel", "event_id")[: settings.DDMS_NOTIFY_BATCH_SIZE * 10]
    )
    groups: dict[tuple[int, str], list[Notification]] = {}
    for row in due:
        groups.setdefault((row.event_id, row.channel), []).append(row)
    size = settings.DDMS_NOTIFY_BATCH_SIZE
    batches: list[DeliveryBatch] = []
    with transaction.atomic():
        for (event_id, channel), rows in groups.items():
            for start in range(0, len(rows), size):
                batches += batches_create(event_id, rows[start : start + size], channel)
    batches_queue(batches)
    from .digests import digests_send

    digests_send(frequency=None, only_retries=True)
    return {"resolved": len(stuck), "requeued": len(due)}


RETRYABLE = (Status.FAILED, Status.CANCELLED, Status.UNKNOWN)


def notification_retry(
    *, notification: Notification, actor: Any, confirm_unknown_outcome: bool = False
) -> Notification:
    """Send a failed, cancelled or (confirmed) unknown-outcome notification again.

    A message whose outcome is unknown may already be in the recipient's mailbox: sending it
    again needs the operator's explicit confirmation, and the audit entry records it.
    """
    require_nsi_staff(actor)  # viewers read the log; only acting staff re-send
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        if locked.status not in RETRYABLE:
            raise DomainError(
                "Only failed, cancelled or outcome-unknown notifications can be retried; "
                f"this one is {locked.status}.",
                code="not_retryable",
            )
        if locked.status == Status.UNKNOWN and not confirm_unknown_outcome:
            raise DomainError(
                "This message was handed to the mail server and may have arrived: retrying "
                "may send a second copy. Send again with confirm_unknown_outcome=true to "
                "accept that.",
                code="confirmation_required",
            )
        before = {"status": locked.status, "attempts": locked.attempts}
        Notification.objects.filter(pk=locked.pk).update(
            status=Status.PENDING, next_attempt_at=None, batch=None
        )
        locked.refresh_from_db()
        after: dict[str, Any] = {"status": locked.status}
        if before["status"] == Status.UNKNOWN:
            after["confirmed_unknown_outcome"] = True
        audit_record(
            actor=actor, action="notification.retry", obj=locked, before=before, after=after
        )
        from .fanout import batches_create, batches_queue

        batches = batches_create(locked.event_id, [locked], locked.channel)
        transaction.on_commit(lambda: batches_queue(batches))
    return locked
