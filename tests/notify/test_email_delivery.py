"""Fan-out and e-mail delivery through a real local SMTP server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from ddms_platform.notify.models import Notification, OutboxEvent
from ddms_platform.notify.registry import unregister
from ddms_platform.notify.services import (
    event_fan_out,
    notifications_deliver,
    notifications_sweep,
    outbox_record,
)

from . import handlers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _broadcast_handler() -> Iterator[None]:
    handlers.install()
    yield
    unregister(handlers.KIND)


def record(capture: object, **payload: object) -> OutboxEvent:
    with capture(execute=True):  # type: ignore[operator]
        return outbox_record(kind=handlers.KIND, payload=payload)


def test_it_sends_one_email_per_recipient_over_smtp(smtp_sink, django_capture_on_commit_callbacks):
    emails = [f"r{i}@example.org" for i in range(5)]
    event = record(django_capture_on_commit_callbacks, emails=emails)
    assert sorted(smtp_sink.handler.recipients()) == sorted(emails)
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    event.refresh_from_db()
    assert event.status == "done"


def test_it_carries_one_click_unsubscribe_headers(smtp_sink, django_capture_on_commit_callbacks):
    record(django_capture_on_commit_callbacks, emails=["a@example.org"])
    message = smtp_sink.messages[0]
    assert message["List-Unsubscribe"] == "<https://ddms.example/unsubscribe/a@example.org>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.is_multipart()
    assert {part.get_content_type() for part in message.walk()} >= {"text/plain", "text/html"}


def test_it_renders_in_the_recipients_language(smtp_sink, django_capture_on_commit_callbacks):
    record(django_capture_on_commit_callbacks, emails=["a@example.org"], language="sr")
    html = [p for p in smtp_sink.messages[0].walk() if p.get_content_type() == "text/html"][0]
    assert 'lang="sr"' in html.get_payload(decode=True).decode()


def test_processing_an_event_twice_sends_nothing_twice(smtp_sink):
    event = outbox_record(
        kind=handlers.KIND, payload={"emails": ["a@example.org", "b@example.org"]}
    )
    event_fan_out(event_id=event.pk)
    OutboxEvent.objects.filter(pk=event.pk).update(status="dispatched")  # as if redelivered
    event_fan_out(event_id=event.pk)
    ids = list(Notification.objects.values_list("id", flat=True))
    notifications_deliver(notification_ids=ids)
    assert len(smtp_sink.messages) == 2
    assert Notification.objects.count() == 2


def test_the_database_refuses_a_second_notification_for_the_same_recipient_and_event():
    event = outbox_record(kind=handlers.KIND)
    Notification.objects.create(
        event=event, channel="email", recipient_key="email:a", email="a@x.org"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            event=event, channel="email", recipient_key="email:a", email="a@x.org"
        )


def test_an_unreachable_mail_server_is_retried_later(django_capture_on_commit_callbacks):
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=1,
        EMAIL_TIMEOUT=1,
        DDMS_NOTIFY_RETRY_BASE_SECONDS=60,
    ):
        record(django_capture_on_commit_callbacks, emails=["a@example.org"])
    notification = Notification.objects.get()
    assert notification.status == "pending"
    assert notification.attempts == 1
    assert notification.next_attempt_at > timezone.now() + dt.timedelta(seconds=29)
    assert "unreachable" in notification.last_error


def test_a_refused_recipient_is_a_permanent_failure(smtp_sink, django_capture_on_commit_callbacks):
    async def refuse(server, session, envelope, address, options):  # noqa: ANN001
        return "550 no such user"

    smtp_sink.handler.handle_RCPT = refuse
    record(django_capture_on_commit_callbacks, emails=["a@example.org"])
    notification = Notification.objects.get()
    assert notification.status == "failed"
    assert notification.delivery_attempts.get().ok is False


def test_a_deferred_event_notifies_nobody_before_its_time(
    smtp_sink, django_capture_on_commit_callbacks
):
    later = timezone.now() + dt.timedelta(hours=1)
    event = record(
        django_capture_on_commit_callbacks, emails=["a@example.org"], not_before=later.isoformat()
    )
    event.refresh_from_db()
    assert event.status == "pending" and event.available_at == later
    assert Notification.objects.count() == 0
    assert smtp_sink.messages == []


@override_settings(DDMS_NOTIFY_SENDING_LEASE_SECONDS=0)
def test_an_email_left_sending_by_a_dead_worker_is_not_resent(smtp_sink):
    event = outbox_record(kind=handlers.KIND)
    n = Notification.objects.create(
        event=event,
        channel="email",
        recipient_key="email:a",
        email="a@x.org",
        status="sending",
        sending_started_at=timezone.now() - dt.timedelta(seconds=5),
    )
    notifications_sweep()
    n.refresh_from_db()
    assert n.status == "unknown" and "outcome unknown" in n.last_error
    assert smtp_sink.messages == []


@override_settings(DDMS_OUTBOX_STALE_SECONDS=0)
def test_the_sweep_queues_pending_notifications_whose_task_was_lost(smtp_sink):
    event = outbox_record(kind=handlers.KIND)
    Notification.objects.create(
        event=event, channel="email", recipient_key="email:a", email="a@x.org"
    )
    notifications_sweep()
    assert smtp_sink.handler.recipients() == ["a@x.org"]
