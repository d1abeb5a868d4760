"""Back-office actions sharing definitions with the network (through the services)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin

from .base import run_service_action

SHARING_READONLY = ("shared_with_network", "shared_at", "shared_by")


def sharing_actions(share: Callable[..., Any], keyword: str, noun: str) -> list[Any]:
    """Share and stop-sharing admin actions calling `share(<keyword>=row, actor, shared)`."""

    def make(shared: bool) -> Any:
        verb = "Shared" if shared else "No longer shared"

        def action(modeladmin: admin.ModelAdmin, request: Any, queryset: Any) -> None:
            run_service_action(
                modeladmin,
                request,
                queryset,
                lambda row: share(**{keyword: row}, actor=request.user, shared=shared),
                verb,
            )

        action.__name__ = f"{'share' if shared else 'unshare'}_{keyword}"
        description = (
            f"Share selected {noun} with the network"
            if shared
            else (f"Stop sharing selected {noun} with the network")
        )
        return admin.action(description=description)(action)

    return [make(True), make(False)]
