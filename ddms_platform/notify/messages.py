"""Turning a notification into an e-mail or a webhook body, in the recipient's language."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, select_template
from django.utils import translation

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
    notification: Notification, event: OutboxEvent, shared: dict[str, Any]
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
    headers = {"Message-ID": f"<{message_id(notification)}@{domain}>"}
    unsubscribe = notification.context.get("unsubscribe_url")
    if unsubscribe:
        # RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to this URL.
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return build_email(
        to=notification.email, subject=subject, text=text, html=html, headers=headers
    )


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
