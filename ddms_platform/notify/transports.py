"""How messages leave the platform: e-mail through Django's backends, signed webhooks.

A transport raises `DeliveryError`, which says whether trying again later can help.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection


class DeliveryError(Exception):
    """A failed delivery; `transient` says whether a retry can succeed, `gone` disables it."""

    def __init__(
        self, message: str, *, transient: bool, status_code: int | None = None, gone: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient
        self.status_code = status_code
        self.gone = gone


# --- e-mail ----------------------------------------------------------------------------------


def open_mail_connection() -> Any:
    """One connection for a whole batch (SMTP: one TCP session, many messages)."""
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (OSError, TimeoutError) as exc:  # smtplib errors are OSErrors
        raise DeliveryError(f"mail server unreachable: {exc}", transient=True) from exc
    return connection


def is_smtp(connection: Any) -> bool:
    """True for Django's SMTP backend (which sends `message().as_bytes()` as is)."""
    from django.core.mail.backends.smtp import EmailBackend

    return isinstance(connection, EmailBackend)


@lru_cache(maxsize=16)
def _envelope_from(address: str) -> str:
    from django.core.mail.message import sanitize_address

    return sanitize_address(address, settings.DEFAULT_CHARSET)


def send_email(connection: Any, message: EmailMultiAlternatives) -> None:
    """Send one message over an open connection; classify the failure."""
    import smtplib

    message.connection = connection
    raw: bytes | None = getattr(message, "raw", None)
    try:
        if raw and is_smtp(connection) and connection.connection is not None:
            # A prerendered message: hand the bytes to the open SMTP session as Django's
            # backend would, without re-parsing both addresses for every recipient.
            connection.connection.sendmail(_envelope_from(message.from_email), message.to, raw)
            sent = 1
        else:
            sent = connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _msg in exc.recipients.values()]
        transient = all(400 <= code < 500 for code in codes)
        raise DeliveryError(f"recipient refused: {exc.recipients}", transient=transient) from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(
            f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", transient=400 <= exc.smtp_code < 500
        ) from exc
    except (smtplib.SMTPException, OSError, TimeoutError) as exc:
        raise DeliveryError(f"SMTP error: {exc}", transient=True) from exc
    if not sent:
        raise DeliveryError("the mail backend did not send the message", transient=True)


# --- webhooks --------------------------------------------------------------------------------


def new_webhook_secret() -> str:
    """A fresh signing secret in the Standard Webhooks format."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _secret_bytes(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        return base64.b64decode(secret.removeprefix("whsec_"))
    return secret.encode()


def webhook_signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` as Standard Webhooks defines."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def _address_refused(address: str) -> str | None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None if settings.DDMS_WEBHOOK_ALLOW_LOOPBACK else "loopback"
    for name in ("is_private", "is_link_local", "is_reserved", "is_multicast", "is_unspecified"):
        if getattr(ip, name):
            return name.removeprefix("is_").replace("_", "-")
    if not ip.is_global:
        return "not-global"
    return None


# One resolved address: (family, sockaddr) exactly as getaddrinfo returned it.
_Address = tuple[int, tuple[Any, ...]]


def _resolve_webhook_url(url: str) -> list[_Address]:
    """Resolve the URL's host once; refuse it unless every address is public."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError(f"Webhook URL {url!r} must be an http(s) URL with a host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise ValidationError(f"Webhook URL {url!r} has an invalid port.") from exc
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ValidationError(f"Webhook host {parts.hostname!r} does not resolve: {exc}") from exc
    resolved: list[_Address] = []
    for family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0])
        reason = _address_refused(address)
        if reason:
            raise ValidationError(
                f"Webhook URL {url!r} resolves to {address}, a {reason} address; refused."
            )
        if (family, sockaddr) not in resolved:
            resolved.append((family, tuple(sockaddr)))
    return resolved


def check_webhook_url(url: str) -> list[str]:
    """Resolve the URL's host and refuse it unless every address is public; returns them."""
    return sorted({str(sockaddr[0]) for _family, sockaddr in _resolve_webhook_url(url)})


def _open_socket(family: int, sockaddr: tuple[Any, ...], timeout: float) -> socket.socket:
    """A TCP connection to one already-checked address (no name resolution here)."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(sockaddr)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except BaseException:
        sock.close()
        raise
    return sock


def _connect_pinned(addresses: list[_Address], timeout: float) -> socket.socket:
    """Try the checked addresses in resolver order, like `socket.create_connection`."""
    error: OSError | None = None
    for family, sockaddr in addresses:
        try:
            return _open_socket(family, sockaddr, timeout)
        except OSError as exc:
            error = exc
    raise error or OSError("no address to connect to")


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the checked addresses; `host` is kept for the Host header only.

    `http.client` would resolve `host` again when connecting, and a DNS-rebinding name
    could then answer 127.0.0.1 or 169.254.169.254; connecting to the checked IP prevents it.
    """

    def __init__(self, host: str, port: int, *, addresses: list[_Address], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._addresses = addresses
        self._timeout = timeout

    def connect(self) -> None:
        self.sock = _connect_pinned(self._addresses, self._timeout)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """HTTPS to the checked addresses; SNI and certificate verification use `host`."""

    default_port = http.client.HTTPS_PORT

    def connect(self) -> None:
        sock = _connect_pinned(self._addresses, self._timeout)
        context = ssl.create_default_context()  # CERT_REQUIRED, check_hostname=True
        try:
            self.sock = context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


@dataclass
class WebhookResult:
    """What the receiver answered."""

    status_code: int
    duration_ms: int


def send_webhook(
    *, url: str, secret: str, msg_id: str, payload: dict[str, Any], timeout: float | None = None
) -> WebhookResult:
    """POST a signed JSON body; 2xx is success, anything else a classified DeliveryError."""
    try:
        addresses = _resolve_webhook_url(url)
    except ValidationError as exc:
        raise DeliveryError(exc.messages[0], transient=False) from exc
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "DDMS-Webhooks/1",
        "Connection": "close",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": webhook_signature(secret, msg_id, timestamp, body),
    }
    started = time.monotonic()
    timeout = timeout or settings.DDMS_WEBHOOK_TIMEOUT
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    # http.client follows no redirects: a 3xx is answered as a status like any other, since
    # its target could be an internal address that was never checked.
    connection = connection_class(host, port, addresses=addresses, timeout=timeout)
    try:
        connection.request("POST", target, body=body, headers=headers)
        with connection.getresponse() as response:
            status = response.status
    except (http.client.HTTPException, OSError, TimeoutError) as exc:
        raise DeliveryError(f"network error: {exc}", transient=True) from exc
    finally:
        connection.close()
    duration_ms = int((time.monotonic() - started) * 1000)
    if 200 <= status < 300:
        return WebhookResult(status_code=status, duration_ms=duration_ms)
    if status == 410:
        raise DeliveryError("HTTP 410 Gone", transient=False, status_code=status, gone=True)
    transient = status >= 500 or status in (408, 429)
    raise DeliveryError(f"HTTP {status}", transient=transient, status_code=status)


def verify_webhook(
    *, secret: str, headers: dict[str, str], body: bytes, tolerance: int = 300
) -> bool:
    """Receiver side: check the signature and the timestamp window (for tests and docs)."""
    msg_id, ts = headers["webhook-id"], int(headers["webhook-timestamp"])
    if abs(time.time() - ts) > tolerance:
        return False
    expected = webhook_signature(secret, msg_id, ts, body).split(",", 1)[1]
    return any(
        hmac.compare_digest(expected, sig.split(",", 1)[1])
        for sig in headers["webhook-signature"].split()
        if sig.startswith("v1,")
    )


def build_email(
    *, to: str, subject: str, text: str, html: str | None, headers: dict[str, str]
) -> EmailMultiAlternatives:
    """A multipart text + HTML message."""
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to], headers=headers
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


__all__: Sequence[str] = (
    "DeliveryError",
    "build_email",
    "check_webhook_url",
    "new_webhook_secret",
    "open_mail_connection",
    "send_email",
    "send_webhook",
    "verify_webhook",
    "webhook_signature",
)
