"""Sharing a definition with the network: the one audited switch every app's service calls."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .audit import audit_record
from .models import SharedWithNetwork


def network_share_set(*, obj: SharedWithNetwork, actor: Any, shared: bool, action: str) -> bool:
    """Set `obj`'s sharing flag (the caller holds its row lock and has checked permission).

    Writes `<action>.share` or `<action>.unshare` to the audit trail; answers whether anything
    changed (sharing twice is one change).
    """
    if obj.shared_with_network == shared:
        return False
    before = {"shared_with_network": obj.shared_with_network, "shared_at": obj.shared_at}
    obj.shared_with_network = shared
    if shared:
        obj.shared_at = timezone.now()
        obj.shared_by = actor if getattr(actor, "is_authenticated", False) else None
    fields = ["shared_with_network", "shared_at", "shared_by"]
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        fields.append("updated_at")
    obj.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=f"{action}.{'share' if shared else 'unshare'}",
        obj=obj,
        before=before,
        after={"shared_with_network": shared, "shared_at": obj.shared_at},
    )
    return True
