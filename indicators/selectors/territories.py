"""Territory reads: the hierarchy below a territory."""

from __future__ import annotations

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
