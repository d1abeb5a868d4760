"""Territory reads: the hierarchy below a territory."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ddms_platform.core.permissions import scope_to_countries

from ..models import Territory

MAX_DEPTH = 6


def territory_with_descendants(root: Territory) -> list[int]:
    """Ids of `root` and every territory below it (one query per level, at most a few)."""
    ids = [root.pk]
    frontier = [root.pk]
    for _ in range(MAX_DEPTH):
        frontier = list(
            Territory.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        if not frontier:
            break
        ids.extend(frontier)
    return ids


def staff_territories(user: Any) -> QuerySet[Territory]:
    """The active territories NSI staff may write to or name: their own country's (admins:
    all)."""
    return scope_to_countries(Territory.objects.filter(is_active=True), user, "country_id")
