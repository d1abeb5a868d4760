"""Signed webhooks: retries with backoff, permanent failures, 410, refused private addresses."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from ddms_platform.notify.models import DeliveryAttempt, Notification, WebhookEndpoint
from ddms_platform.notify.registry import unregister
from ddms_platform.notify.services import (
    notifications_deliver,
    notifications_sweep,
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
    """Record the event, deliver, and let the sweep retry each backoff at once."""
    endpoint = webhook_endpoint_create(url=receiver.url)
    with capture(execute=True):
        outbox_record(kind=handlers.KIND, payload={"webhooks": [endpoint.pk], "pub": 7})
    for _ in range(10):
        if not Notification.objects.filter(status="pending").exists():
            break
        Notification.objects.update(next_attempt_at=None)  # the backoff has passed
        notifications_sweep()
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


PUBLIC_IP = "93.184.216.34"  # a global address; nothing is ever sent to it in these tests


@pytest.fixture
def rebinding_dns(monkeypatch):  # noqa: ANN001, ANN201
    """`hooks.example.org` answers a public address once, then 127.0.0.1 (DNS rebinding).

    Connections to the public address are carried to the given local port instead, so a
    request that arrives proves it went through the checked address.
    """
    import socket

    from ddms_platform.notify import transports

    calls: list[str] = []
    connected: list[tuple] = []
    real_getaddrinfo = socket.getaddrinfo
    real_open_socket = transports._open_socket
    state = {"local_port": 9}

    def getaddrinfo(host, port, *args, **kwargs):  # noqa: ANN001, ANN202
        if host != "hooks.example.org":
            return real_getaddrinfo(host, port, *args, **kwargs)
        calls.append(host)
        ip = PUBLIC_IP if len(calls) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    def open_socket(family, sockaddr, timeout):  # noqa: ANN001, ANN202
        connected.append(sockaddr)
        assert sockaddr[0] == PUBLIC_IP, f"connected to unchecked address {sockaddr}"
        return real_open_socket(family, ("127.0.0.1", state["local_port"]), timeout)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(transports, "_open_socket", open_socket)

    return SimpleNamespace(calls=calls, connected=connected, state=state)


def test_a_rebinding_name_cannot_redirect_the_request_to_loopback(webhook_receiver, rebinding_dns):
    receiver = webhook_receiver([200])
    port = receiver.server.server_port
    rebinding_dns.state["local_port"] = port
    url = f"http://hooks.example.org:{port}/hook?x=1"
    with override_settings(DDMS_WEBHOOK_ALLOW_LOOPBACK=False):
        result = send_webhook(url=url, secret="s", msg_id="m1", payload={"a": 1})
        # Resolved once, for the check; the connection went to the checked address.
        assert result.status_code == 200
        assert rebinding_dns.calls == ["hooks.example.org"]
        assert rebinding_dns.connected == [(PUBLIC_IP, port)]
        assert receiver.requests[0]["headers"]["host"] == f"hooks.example.org:{port}"
        assert receiver.json(0) == {"a": 1}
        # The next send sees the rebound address at its (single) check and is refused.
        with pytest.raises(DeliveryError) as info:
            send_webhook(url=url, secret="s", msg_id="m2", payload={})
    assert info.value.transient is False and "loopback" in info.value.message
    assert rebinding_dns.calls == ["hooks.example.org"] * 2
    assert rebinding_dns.connected == [(PUBLIC_IP, port)]
    assert len(receiver.requests) == 1


def test_https_verifies_the_certificate_for_the_original_host(
    webhook_receiver, rebinding_dns, monkeypatch
):
    import ssl

    receiver = webhook_receiver([200])
    rebinding_dns.state["local_port"] = receiver.server.server_port
    seen: list[dict] = []

    def wrap_socket(self, sock, server_hostname=None, **kwargs):  # noqa: ANN001, ANN202
        seen.append(
            {
                "server_hostname": server_hostname,
                "check_hostname": self.check_hostname,
                "verify_mode": self.verify_mode,
                "peer": sock.getpeername(),
            }
        )
        raise ssl.SSLError("stopped before the handshake")

    monkeypatch.setattr(ssl.SSLContext, "wrap_socket", wrap_socket)
    with (
        override_settings(DDMS_WEBHOOK_ALLOW_LOOPBACK=False),
        pytest.raises(DeliveryError) as info,
    ):
        send_webhook(url="https://hooks.example.org/hook", secret="s", msg_id="m", payload={})
    assert info.value.transient is True
    assert rebinding_dns.calls == ["hooks.example.org"]
    assert rebinding_dns.connected == [(PUBLIC_IP, 443)]
    assert seen == [
        {
            "server_hostname": "hooks.example.org",
            "check_hostname": True,
            "verify_mode": ssl.CERT_REQUIRED,
            "peer": ("127.0.0.1", receiver.server.server_port),
        }
    ]
    assert receiver.requests == []
