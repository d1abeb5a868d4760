"""Which recipients an event kind has: handlers registered by the app that owns the event.

notify never imports the apps; each registers its handlers in its `AppConfig.ready()`:

    register("publication.released", recipients=..., context=...)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .models import OutboxEvent


@dataclass(frozen=True)
class Recipient:
    """One addressee of one event, as a handler describes it."""

    key: str
    channel: str = "email"
    email: str = ""
    webhook_id: int | None = None
    user_id: int | None = None
    subscription_id: int | None = None
    language: str = ""
    digest: str = ""
    context: dict[str, Any] = field(default_factory=dict)


class Defer(Exception):
    """Raised by a handler when nobody may hear of the event before `until` (an embargo)."""

    def __init__(self, until: dt.datetime) -> None:
        super().__init__(f"deferred until {until.isoformat()}")
        self.until = until


RecipientsFn = Callable[[OutboxEvent], Iterable[Recipient]]
ContextFn = Callable[[OutboxEvent], dict[str, Any]]
GateFn = Callable[[OutboxEvent], dt.datetime | None]


@dataclass
class Handler:
    """What notify needs to know about one event kind."""

    kind: str
    recipients: RecipientsFn
    # Shared by every message of the event, computed once per batch at delivery.
    context: ContextFn | None = None
    # The earliest time anyone may be told (None: now); checked at fan-out and at delivery.
    not_before: GateFn | None = None
    template: str = ""

    @property
    def template_name(self) -> str:
        return self.template or self.kind.replace(".", "_")


_handlers: dict[str, list[Handler]] = {}


def register(
    kind: str,
    *,
    recipients: RecipientsFn,
    context: ContextFn | None = None,
    not_before: GateFn | None = None,
    template: str = "",
) -> Handler:
    """Register (or replace, by recipients function) a handler for an event kind."""
    handler = Handler(kind, recipients, context, not_before, template)
    existing = _handlers.setdefault(kind, [])
    existing[:] = [h for h in existing if h.recipients is not recipients] + [handler]
    return handler


def unregister(kind: str, recipients: RecipientsFn | None = None) -> None:
    """Drop a kind's handlers (all, or the one with this recipients function)."""
    if recipients is None:
        _handlers.pop(kind, None)
    else:
        _handlers[kind] = [h for h in _handlers.get(kind, []) if h.recipients is not recipients]


def handlers_for(kind: str) -> list[Handler]:
    """The handlers of an event kind (empty: nobody is notified)."""
    return list(_handlers.get(kind, []))
