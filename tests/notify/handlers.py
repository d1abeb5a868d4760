"""A test-only event kind whose recipients are given in the event payload."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ddms_platform.notify.models import OutboxEvent
from ddms_platform.notify.registry import Recipient, register

KIND = "test.broadcast"


def recipients(event: OutboxEvent) -> Iterator[Recipient]:
    for address in event.payload.get("emails", []):
        yield Recipient(
            key=f"email:{address}",
            email=address,
            language=event.payload.get("language", ""),
            context={"unsubscribe_url": f"https://ddms.example/unsubscribe/{address}"},
        )
    for webhook_id in event.payload.get("webhooks", []):
        yield Recipient(key=f"webhook:{webhook_id}", channel="webhook", webhook_id=webhook_id)


def not_before(event: OutboxEvent) -> dt.datetime | None:
    until = event.payload.get("not_before")
    return dt.datetime.fromisoformat(until) if until else None


def install() -> None:
    register(
        KIND,
        recipients=recipients,
        not_before=not_before,
        context=lambda e: {"link": "https://ddms.example/x"},
    )
