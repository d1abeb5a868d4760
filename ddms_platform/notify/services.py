"""Recording events in the outbox."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import OutboxEvent


def outbox_record(
    *, kind: str, obj: models.Model | None = None, payload: dict[str, Any] | None = None
) -> OutboxEvent:
    """Store an event for later delivery; call inside the transaction of the change."""
    return OutboxEvent.objects.create(
        kind=kind,
        payload=payload or {},
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )
