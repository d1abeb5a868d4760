"""Turning a notification into an e-mail or a webhook body, in the recipient's language."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, select_template
from django.utils import translation
from django.utils.html import escape

from .models import Notification, OutboxEvent
from .registry import handlers_for
from .transports import build_email


@lru_cache(maxsize=256)
def _templates(name: str) -> tuple[Any, Any, Any | None]:
    subject = select_template([f"notify/{name}_subject.txt", "notify/generic_subject.txt"])
    text = select_template([f"notify/{name}.txt", "notify/generic.txt"])
    try:
        html: Any | None = get_template(f"notify/{name}.html")
    except TemplateDoesNotExist:
        try:
            html = get_template("notify/generic.html")
        except TemplateDoesNotExist:
            html = None
    return subject, text, html


def template_name(kind: str) -> str:
    """The template stem of an event kind (`publication.released` → `publication_released`)."""
    handlers = handlers_for(kind)
    return handlers[0].template_name if handlers else kind.replace(".", "_")


def shared_context(event: OutboxEvent) -> dict[str, Any]:
    """What every message of the event shows, computed once per batch."""
    context: dict[str, Any] = {}
    for handler in handlers_for(event.kind):
        if handler.context is not None:
            context.update(handler.context(event))
    return context


def message_id(notification: Notification) -> str:
    """Stable across retries, so receivers can drop a duplicate."""
    return f"ddms-notification-{notification.pk}"


def render_email(
    notification: Notification,
    event: OutboxEvent,
    shared: dict[str, Any],
    *,
    msg_id: str = "",
) -> EmailMultiAlternatives:
    """Subject, text and HTML parts, rendered in the recipient's language."""
    context = {
        "event": event,
        "payload": event.payload,
        **shared,
        **notification.context,
        "site_url": settings.SITE_URL,
    }
    subject_t, text_t, html_t = _templates(template_name(event.kind))
    with translation.override(notification.language or settings.LANGUAGE_CODE):
        subject = " ".join(subject_t.render(context).split())
        text = text_t.render(context)
        html = html_t.render(context) if html_t is not None else None
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    headers = {"Message-ID": f"<{msg_id or message_id(notification)}@{domain}>"}
    unsubscribe = notification.context.get("unsubscribe_url")
    if unsubscribe:
        # RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to this URL.
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return build_email(
        to=notification.email, subject=subject, text=text, html=html, headers=headers
    )


# Stand-ins rendered into a batch's one prepared message, then replaced per recipient. They
# are plain ASCII without characters HTML escaping or header folding would change.
_TO = "ddms-recipient-3f9c2e@placeholder.invalid"
_ID = "ddms-message-id-3f9c2e"
_UNSUB_HEADER = "https://ddms-unsubscribe-header-3f9c2e.invalid/"
_UNSUB_BODY = "https://ddms-unsubscribe-body-3f9c2e.invalid/"


class _RawMessage:
    """The MIME bytes of one message, shaped like what a mail backend asks `message()` for."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n", **kwargs: Any) -> bytes:
        return self.data if linesep == "\r\n" else self.data.replace(b"\r\n", linesep.encode())

    def get_charset(self) -> None:
        return None


class PrerenderedEmail(EmailMultiAlternatives):
    """A message whose MIME bytes were built once for the batch and filled in per recipient."""

    raw: bytes = b""

    # The SMTP backend only calls `message().as_bytes(linesep="\r\n")`.
    def message(self, *, policy: Any = None) -> Any:  # type: ignore[override]
        return _RawMessage(self.raw)


@dataclass
class _Prepared:
    subject: str
    text: str
    html: str | None
    raw: bytes | None  # None: the stand-ins did not survive encoding; render per recipient


class EmailRenderer:
    """Renders each distinct message of a batch once; per recipient it only substitutes
    the address, the Message-ID and the unsubscribe link (the only parts that differ).

    Messages whose per-recipient context holds more than the unsubscribe link get their
    own prepared copy (keyed by that context), so the output is what `render_email` gives.
    """

    def __init__(self) -> None:
        self._shared: dict[int, dict[str, Any]] = {}
        self._prepared: dict[tuple[Any, ...], _Prepared] = {}

    def shared(self, event: OutboxEvent) -> dict[str, Any]:
        """The event's shared context, computed once per renderer."""
        if event.pk not in self._shared:
            self._shared[event.pk] = shared_context(event)
        return self._shared[event.pk]

    def render(self, notification: Notification, event: OutboxEvent) -> EmailMultiAlternatives:
        """The notification's e-mail; byte-identical in content to `render_email`'s."""
        context = dict(notification.context)
        unsubscribe = context.pop("unsubscribe_url", "") or ""
        address = notification.email
        # Text parts are not HTML-escaped and HTML parts are: the shortcut puts one link in
        # both, so it only serves links that escaping leaves unchanged (signed tokens do).
        if not (address.isascii() and unsubscribe.isascii()) or escape(unsubscribe) != unsubscribe:
            return render_email(notification, event, self.shared(event))
        key = (
            event.pk,
            notification.language,
            bool(unsubscribe),
            json.dumps(context, sort_keys=True, default=str),
        )
        prepared = self._prepared.get(key)
        if prepared is None:
            prepared = self._prepared[key] = self._prepare(notification, event, bool(unsubscribe))
        if prepared.raw is None:
            return render_email(notification, event, self.shared(event))
        body_link = unsubscribe
        message = PrerenderedEmail(
            subject=prepared.subject,
            body=prepared.text.replace(_UNSUB_BODY, body_link),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
        )
        if prepared.html is not None:
            message.attach_alternative(prepared.html.replace(_UNSUB_BODY, body_link), "text/html")
        message.raw = (
            prepared.raw.replace(_TO.encode(), address.encode())
            .replace(_ID.encode(), message_id(notification).encode())
            .replace(_UNSUB_HEADER.encode(), unsubscribe.encode())
            .replace(_UNSUB_BODY.encode(), body_link.encode())
        )
        return message

    def _prepare(self, notification: Notification, event: OutboxEvent, unsub: bool) -> _Prepared:
        stand_in = Notification(
            pk=None,
            event=event,
            email=_TO,
            language=notification.language,
            context={
                **notification.context,
                **({"unsubscribe_url": _UNSUB_BODY} if unsub else {}),
            },
        )
        email = render_email(stand_in, event, self.shared(event), msg_id=_ID)
        if unsub:
            email.extra_headers["List-Unsubscribe"] = f"<{_UNSUB_HEADER}>"
        subject, text = str(email.subject), str(email.body)
        html = next((str(c) for c, mime in email.alternatives if mime == "text/html"), None)
        raw: bytes = cast(Any, email.message()).as_bytes(linesep="\r\n")
        expected_body = text.count(_UNSUB_BODY) + (html or "").count(_UNSUB_BODY)
        if (
            _TO.encode() not in raw
            or raw.count(_UNSUB_BODY.encode()) != expected_body
            or raw.count(_UNSUB_HEADER.encode()) != (1 if unsub else 0)
        ):
            # The body was transfer-encoded (very long lines): substituting is not safe.
            return _Prepared(subject=subject, text=text, html=html, raw=None)
        return _Prepared(subject=subject, text=text, html=html, raw=raw)


def webhook_body(
    notification: Notification, event: OutboxEvent, shared: dict[str, Any]
) -> dict[str, Any]:
    """The JSON body: Standard Webhooks shape (type, timestamp, data)."""
    public = {k: v for k, v in {**shared, **notification.context}.items() if _is_json(v)}
    public.pop("unsubscribe_url", None)
    return {
        "type": event.kind,
        "timestamp": event.created_at.isoformat(),
        "data": {**event.payload, **public, "event_id": event.pk},
    }


def _is_json(value: Any) -> bool:
    return isinstance(value, str | int | float | bool | list | dict | type(None))
