"""Thin Celery entry points: ids in, a service call, state in the database."""

from __future__ import annotations

from celery import shared_task

from ddms_platform.core.jobs import JobTask

from .services import (
    digests_send,
    event_fan_out,
    notifications_deliver,
    notifications_sweep,
    outbox_relay,
)
from .services.delivery import delivery_batch_runner


@shared_task(acks_late=True, ignore_result=True)
def relay_outbox() -> int:
    """Periodic: hand pending outbox events to the broker; re-queue stale ones."""
    queued = outbox_relay()
    notifications_sweep()
    return queued


@shared_task(acks_late=True, ignore_result=True)
def process_event(event_id: int) -> int:
    """Fan an event out into notifications and their delivery batches."""
    return event_fan_out(event_id=event_id)


@shared_task(base=JobTask, name="notify.deliver_batch", runner=delivery_batch_runner)
def deliver_batch(batch_id: int) -> None:
    """Deliver one DeliveryBatch (a job: see core/jobs.py)."""
    delivery_batch_runner.run(batch_id)


@shared_task(acks_late=True, ignore_result=True)
def deliver_notifications(notification_ids: list[int]) -> int:
    """Deliver these notifications (messages queued before delivery batches existed)."""
    return notifications_deliver(notification_ids=notification_ids)


@shared_task(acks_late=True, ignore_result=True)
def deliver_notification(notification_id: int) -> int:
    """Deliver one notification (messages queued before delivery batches existed)."""
    return notifications_deliver(notification_ids=[notification_id])


@shared_task(acks_late=True, ignore_result=True)
def send_digests(frequency: str) -> int:
    """Periodic (daily / weekly): one e-mail per recipient with the held notifications."""
    return digests_send(frequency=frequency)
