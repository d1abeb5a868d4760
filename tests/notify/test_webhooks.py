"""Signed webhooks: retries with backoff, permanent failures, 410, refused private addresses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from ddms_platform.notify.models import DeliveryAttempt, Notification, WebhookEndpoint
from ddms_platform.notify.registry import unregister
from ddms_platform.notify.services import (
    notifications_deliver,
    outbox_record,
    webhook_endpoint_create,
)
from ddms_platform.notify.transports import DeliveryError, send_webhook, verify_webhook

from . import handlers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _broadcast_handler() -> Iterator[None]:
    handlers.install()
    yield
    unregister(handlers.KIND)


def deliver_to(receiver, capture) -> Notification:  # noqa: ANN001
    endpoint = webhook_endpoint_create(url=receiver.url)
    with capture(execute=True):
        outbox_record(kind=handlers.KIND, payload={"webhooks": [endpoint.pk], "pub": 7})
    return Notification.objects.get()


def test_a_webhook_failing_three_times_is_delivered_once_with_four_attempts(
    webhook_receiver, django_capture_on_commit_callbacks
):
    receiver = webhook_receiver([500, 500, 500, 200])
    notification = deliver_to(receiver, django_capture_on_commit_callbacks)
    assert notification.status == "sent"
    assert notification.attempts == 4
    attempts = list(DeliveryAttempt.objects.filter(notification=notification))
    assert [a.status_code for a in attempts] == [500, 500, 500, 200]
    assert [a.ok for a in attempts] == [False, False, False, True]
    assert len(receiver.requests) == 4
    assert len({r["headers"]["webhook-id"] for r in receiver.requests}) == 1


def test_the_webhook_signature_verifies_with_the_endpoint_secret(
    webhook_receiver, django_capture_on_commit_callbacks
):
    receiver = webhook_receiver([200])
    notification = deliver_to(receiver, django_capture_on_commit_callbacks)
    request = receiver.requests[0]
    secret = notification.webhook.secret
    assert verify_webhook(secret=secret, headers=request["headers"], body=request["body"])
    assert not verify_webhook(
        secret=secret, headers=request["headers"], body=request["body"] + b" "
    )
    assert receiver.json(0)["type"] == handlers.KIND
    assert receiver.json(0)["data"]["pub"] == 7


def test_a_client_error_is_permanent_and_not_retried(
    webhook_receiver, django_capture_on_commit_callbacks
):
    receiver = webhook_receiver([400, 200])
    notification = deliver_to(receiver, django_capture_on_commit_callbacks)
    assert notification.status == "failed"
    assert len(receiver.requests) == 1


def test_gone_disables_the_webhook(webhook_receiver, django_capture_on_commit_callbacks):
    receiver = webhook_receiver([410])
    notification = deliver_to(receiver, django_capture_on_commit_callbacks)
    endpoint = WebhookEndpoint.objects.get()
    assert notification.status == "failed"
    assert endpoint.is_active is False and "410" in endpoint.disabled_reason


def test_retries_stop_after_the_maximum_attempts(
    webhook_receiver, django_capture_on_commit_callbacks
):
    receiver = webhook_receiver([503])
    with override_settings(DDMS_NOTIFY_MAX_ATTEMPTS=3):
        notification = deliver_to(receiver, django_capture_on_commit_callbacks)
    assert notification.status == "failed" and notification.attempts == 3


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://127.0.0.1:8000/hook",
        "http://[::1]/hook",
        "http://192.168.1.20/hook",
        "http://localhost/hook",
        "ftp://example.org/hook",
    ],
)
def test_a_private_address_is_refused_at_save(url):
    with pytest.raises(ValidationError):
        webhook_endpoint_create(url=url)


def test_loopback_is_allowed_only_with_the_setting():
    with override_settings(DDMS_WEBHOOK_ALLOW_LOOPBACK=True):
        webhook_endpoint_create(url="http://127.0.0.1:9/hook")
    with (
        override_settings(DDMS_WEBHOOK_ALLOW_LOOPBACK=True),
        pytest.raises(ValidationError),
    ):
        webhook_endpoint_create(url="http://10.0.0.1/hook")


def test_a_private_address_is_refused_at_send():
    with pytest.raises(DeliveryError) as info:
        send_webhook(url="http://169.254.169.254/x", secret="s", msg_id="m", payload={})
    assert info.value.transient is False


def test_an_endpoint_that_turned_private_after_saving_fails_permanently(
    django_capture_on_commit_callbacks,
):
    # Saved when allowed, then the rule applies at send time (DNS may change after saving).
    with override_settings(DDMS_WEBHOOK_ALLOW_LOOPBACK=True):
        endpoint = webhook_endpoint_create(url="http://127.0.0.1:9/hook")
    with django_capture_on_commit_callbacks(execute=True):
        outbox_record(kind=handlers.KIND, payload={"webhooks": [endpoint.pk]})
    notification = Notification.objects.get()
    assert notification.status == "failed" and "loopback" in notification.last_error


def test_delivering_a_sent_notification_again_does_nothing(
    webhook_receiver, django_capture_on_commit_callbacks
):
    receiver = webhook_receiver([200])
    notification = deliver_to(receiver, django_capture_on_commit_callbacks)
    assert notifications_deliver(notification_ids=[notification.pk]) == 0
    assert len(receiver.requests) == 1
