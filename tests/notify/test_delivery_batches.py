"""Delivery batches are jobs: a batch taken back from a dead worker sends what was never
attempted and resolves its one message in flight per channel (e-mail: outcome unknown)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from ddms_platform.core.jobs import jobs_sweep
from ddms_platform.notify.models import DeliveryBatch, Notification, OutboxEvent

pytestmark = pytest.mark.django_db


def expired() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.DDMS_JOB_LEASE_SECONDS + 1)


def batch_left_by_a_dead_worker(statuses: list[str]) -> DeliveryBatch:
    """A batch as a SIGKILLed worker leaves it: running, its lease expired."""
    event = OutboxEvent.objects.create(kind="test.none", status="done")
    batch = DeliveryBatch.objects.create(
        event=event,
        channel="email",
        status="running",
        attempts=1,
        worker="elsewhere:1:dead",
        heartbeat_at=expired(),
    )
    for i, status in enumerate(statuses):
        Notification.objects.create(
            event=event,
            batch=batch,
            channel="email",
            recipient_key=f"email:{i}",
            email=f"r{i}@example.org",
            status=status,
            attempts=0 if status == "pending" else 1,
        )
    return batch


def test_the_sweep_sends_the_never_attempted_and_marks_the_one_in_flight_unknown(smtp_sink):
    batch = batch_left_by_a_dead_worker(["sent", "sent", "sending", "pending", "pending"])
    assert jobs_sweep()["recovered"] == 1  # queued again, and (eager) run at once
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == ("done", 2)
    rows = dict(Notification.objects.values_list("email", "status"))
    assert rows == {
        "r0@example.org": "sent",
        "r1@example.org": "sent",
        "r2@example.org": "unknown",
        "r3@example.org": "sent",
        "r4@example.org": "sent",
    }
    assert sorted(smtp_sink.handler.recipients()) == ["r3@example.org", "r4@example.org"]
    assert "outcome unknown" in Notification.objects.get(status="unknown").last_error


def test_a_batch_with_a_live_lease_is_left_alone(smtp_sink):
    batch = batch_left_by_a_dead_worker(["pending"])
    DeliveryBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now())
    assert jobs_sweep()["recovered"] == 0
    assert Notification.objects.get().status == "pending" and smtp_sink.messages == []


def test_a_batch_whose_workers_keep_dying_ends_and_its_rows_are_resent_in_a_new_batch(
    smtp_sink,
):
    from ddms_platform.notify.services import notifications_sweep

    batch = batch_left_by_a_dead_worker(["sending", "pending"])
    DeliveryBatch.objects.filter(pk=batch.pk).update(attempts=settings.DDMS_JOB_MAX_ATTEMPTS)
    jobs_sweep()
    batch.refresh_from_db()
    assert batch.status == "error" and "started 3 times" in batch.last_error
    notifications_sweep()  # rows of an ended batch: in flight → unknown, pending → new batch
    assert dict(Notification.objects.values_list("email", "status")) == {
        "r0@example.org": "unknown",
        "r1@example.org": "sent",
    }
    assert DeliveryBatch.objects.count() == 2


def test_each_message_of_a_batch_gets_its_own_outcome_and_attempt(smtp_sink):
    async def refuse_r1(server, session, envelope, address, options):  # noqa: ANN001
        if address == "r1@example.org":
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_sink.handler.handle_RCPT = refuse_r1
    batch = batch_left_by_a_dead_worker(["pending"] * 4)
    DeliveryBatch.objects.filter(pk=batch.pk).update(status="queued", heartbeat_at=None)
    jobs_sweep()  # the queued batch is handed over (eager: runs now)
    rows = dict(Notification.objects.values_list("email", "status"))
    assert rows == {
        "r0@example.org": "sent",
        "r1@example.org": "failed",
        "r2@example.org": "sent",
        "r3@example.org": "sent",
    }
    assert sorted(smtp_sink.handler.recipients()) == [
        "r0@example.org",
        "r2@example.org",
        "r3@example.org",
    ]
    attempts = {
        n.email: list(n.delivery_attempts.values_list("ok", flat=True))
        for n in Notification.objects.all()
    }
    assert attempts == {
        "r0@example.org": [True],
        "r1@example.org": [False],
        "r2@example.org": [True],
        "r3@example.org": [True],
    }
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


def test_a_webhook_in_flight_when_its_worker_died_is_sent_again_with_the_same_id(
    webhook_receiver,
):
    from ddms_platform.notify.services import webhook_endpoint_create

    receiver = webhook_receiver([200, 200])
    endpoint = webhook_endpoint_create(url=receiver.url)
    event = OutboxEvent.objects.create(kind="test.none", status="done")
    batch = DeliveryBatch.objects.create(
        event=event, channel="webhook", status="running", attempts=1, heartbeat_at=expired()
    )
    row = Notification.objects.create(
        event=event,
        batch=batch,
        channel="webhook",
        recipient_key=f"webhook:{endpoint.pk}",
        webhook=endpoint,
        status="sending",
        attempts=1,
    )
    jobs_sweep()  # at-least-once: the receiver may have had it; it drops it by webhook-id
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert [r["headers"]["webhook-id"] for r in receiver.requests] == [
        f"ddms-notification-{row.pk}"
    ]
