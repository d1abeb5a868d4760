"""Disclosure control of a release: primary suppression, then secondary until nothing is derivable.

A total and its parts form one equation (total = Σ parts) along each `_T` dimension total and
along the territory hierarchy (a territory = Σ its children). When exactly one member of such an
equation is unknown and it is suppressed, it can be recovered by subtraction; a second cell of
the equation — the smallest part, else the total — is then suppressed too, and the check repeats
over every equation until no suppressed value is the only unknown of one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ..choices import ObsStatus
from ..models import Indicator, ReleasedObservation, Territory

TOTAL = "_T"
C = ObsStatus.CONFIDENTIAL


def primary_suppressed(indicator: Indicator, count: int | None, confirmed: bool) -> bool:
    """A value counted from too few units, or with no count and no recorded confirmation."""
    threshold = indicator.min_cell_count
    if threshold is None:
        return False
    if count is None:
        return not confirmed
    return count < threshold


def _suppress(row: ReleasedObservation) -> None:
    row.value = None
    row.status = C


def _equations(
    rows: list[ReleasedObservation],
    indicators: dict[int, Indicator],
    children: dict[int, list[int]],
) -> list[tuple[ReleasedObservation, list[ReleasedObservation], int]]:
    """(total, parts present, parts missing) for every total the release holds."""
    out: list[tuple[ReleasedObservation, list[ReleasedObservation], int]] = []
    # Along each dimension with a total: same indicator, territory, period and other codes.
    by_dim: dict[tuple[Any, ...], dict[str, ReleasedObservation]] = defaultdict(dict)
    for row in rows:
        for dim in indicators[row.indicator_id].dimension_ids:
            rest = tuple(sorted((d, v) for d, v in row.dims.items() if d != dim))
            key = (row.indicator_id, row.territory_id, row.period, dim, rest)
            by_dim[key][row.dims.get(dim, "")] = row
    for (indicator_id, _t, _p, dim, _rest), members in by_dim.items():
        total = members.get(TOTAL)
        if total is None:
            continue
        expected = [c for c in indicators[indicator_id].dimensions.get(dim, []) if c != TOTAL]
        parts = [members[c] for c in expected if c in members]
        out.append((total, parts, len(expected) - len(parts)))
    # Along the territory hierarchy: same indicator, period and dimension codes.
    by_cell: dict[tuple[Any, ...], dict[int, ReleasedObservation]] = defaultdict(dict)
    for row in rows:
        by_cell[(row.indicator_id, row.period, row.dims_key)][row.territory_id] = row
    for cells in by_cell.values():
        for territory_id, total in cells.items():
            kids = children.get(territory_id)
            if not kids:
                continue
            parts = [cells[k] for k in kids if k in cells]
            out.append((total, parts, len(kids) - len(parts)))
    return out


def territory_children() -> dict[int, list[int]]:
    """Active territories by parent id (one query)."""
    children: dict[int, list[int]] = defaultdict(list)
    for parent, pk in Territory.objects.filter(is_active=True, parent__isnull=False).values_list(
        "parent_id", "pk"
    ):
        children[parent].append(pk)
    return children


def recoverable(
    equations: Iterable[tuple[ReleasedObservation, list[ReleasedObservation], int]],
) -> list[tuple[ReleasedObservation, list[ReleasedObservation]]]:
    """Equations whose only unknown is one suppressed cell (so subtraction recovers it)."""
    found = []
    for total, parts, missing in equations:
        members = [total, *parts]
        hidden = [m for m in members if m.status == C]
        if missing == 0 and len(hidden) == 1:
            found.append((total, parts))
    return found


def secondary_suppress(
    rows: list[ReleasedObservation],
    indicators: dict[int, Indicator],
    children: dict[int, list[int]] | None = None,
) -> int:
    """Suppress complementary cells until no suppressed value is derivable; returns how many."""
    children = territory_children() if children is None else children
    equations = _equations(rows, indicators, children)
    added = 0
    while True:
        progressed = False
        for total, parts in recoverable(equations):
            if sum(1 for m in (total, *parts) if m.status == C) != 1:
                continue  # an earlier pick of this round already closed it
            candidates = [p for p in parts if p.status != C and p.value is not None]
            if candidates:
                pick = min(candidates, key=lambda p: (abs(p.value), p.territory_id, p.dims_key))  # type: ignore[arg-type]
            elif total.status != C:
                pick = total
            else:
                continue  # nothing published beside it: not derivable by this equation
            _suppress(pick)
            added += 1
            progressed = True
        if not progressed:
            return added
