"""Local delivery targets: a real SMTP server (aiosmtpd) and a scriptable webhook receiver."""

from __future__ import annotations

import email
import json
import threading
from collections.abc import Iterator
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from tests.services import free_port
from tests.web.conftest import pages  # noqa: F401 - the page world (e-mail links, release page)


class SinkHandler:
    """Stores every accepted message; `delay` holds the 250 reply (a slow server)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.lock = threading.Lock()
        self.delay = 0.0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 OK"

    def recipients(self) -> list[str]:
        with self.lock:
            return [m["To"] for m in self.messages]


class SmtpSink:
    """An SMTP server on a free local port and Django configured to send to it."""

    def __init__(self) -> None:
        self.handler = SinkHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[Message]:
        return self.handler.messages

    def settings(self) -> dict[str, Any]:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }

    def env(self) -> dict[str, str]:
        """The same, for a worker subprocess."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
        }


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A running aiosmtpd server; Django's EMAIL_BACKEND is SMTP on its port."""
    sink = SmtpSink()
    sink.controller.start()
    try:
        with override_settings(**sink.settings()):
            yield sink
    finally:
        sink.controller.stop()


class WebhookReceiver:
    """A stdlib HTTP server answering from a script of status codes (then the last one)."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.requests: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(
                    {"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
                )
                status = (
                    receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                )
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def json(self, index: int) -> Any:
        return json.loads(self.requests[index]["body"])


@pytest.fixture
def webhook_receiver() -> Iterator[Any]:
    """`webhook_receiver([500, 500, 500, 200])` starts a receiver answering those codes."""
    started: list[WebhookReceiver] = []

    def start(statuses: list[int]) -> WebhookReceiver:
        receiver = WebhookReceiver(statuses)
        receiver.thread.start()
        started.append(receiver)
        return receiver

    with override_settings(DDMS_WEBHOOK_ALLOW_LOOPBACK=True, DDMS_NOTIFY_RETRY_BASE_SECONDS=0):
        yield start
    for receiver in started:
        receiver.server.shutdown()
        receiver.server.server_close()


@pytest.fixture(autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """The `world` fixture hashes seven passwords; PBKDF2 makes that seconds per test."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield
