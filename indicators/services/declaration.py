"""What a release declares: indicators × territories × periods × dimensions, one series per cell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ddms_platform.core.errors import DomainError

from ..choices import HOLDING_STATES
from ..models import Indicator, Observation, Publication, Territory
from ..selectors.territories import territory_with_descendants

# How many overlapping observation keys an error lists (the count is always complete).
SHOWN_CELLS = 20


@dataclass(frozen=True)
class Declaration:
    """A box of cells; None on an axis means every value of it."""

    indicators: dict[int, Indicator]
    territory_ids: frozenset[int] | None
    period_from: dt.date | None
    period_to: dt.date | None
    dimensions: dict[str, frozenset[str]]

    def codes(self, indicator: Indicator, dim: str) -> frozenset[str]:
        """The codes of `dim` this declaration takes for `indicator`."""
        allowed = frozenset(indicator.dimensions.get(dim) or ())
        return self.dimensions[dim] & allowed if dim in self.dimensions else allowed

    def takes(self, indicator_id: int, territory_id: int, start: dt.date, dims: dict) -> bool:
        """True if the cell lies in the declaration."""
        indicator = self.indicators.get(indicator_id)
        if indicator is None:
            return False
        if self.territory_ids is not None and territory_id not in self.territory_ids:
            return False
        if self.period_from is not None and start < self.period_from:
            return False
        if self.period_to is not None and start > self.period_to:
            return False
        return all(
            dims.get(dim) in self.codes(indicator, dim)
            for dim in indicator.dimension_ids
            if dim in self.dimensions
        )

    def overlap(self, other: Declaration) -> dict[str, Any] | None:
        """The box both declare (as plain values for an error), or None when they are apart."""
        shared = sorted(set(self.indicators) & set(other.indicators))
        if self.territory_ids is None:
            territories = other.territory_ids
        elif other.territory_ids is None:
            territories = self.territory_ids
        else:
            territories = self.territory_ids & other.territory_ids
        lo = max((d for d in (self.period_from, other.period_from) if d), default=None)
        hi = min((d for d in (self.period_to, other.period_to) if d), default=None)
        if not shared or territories == frozenset() or (lo and hi and lo > hi):
            return None
        indicators = []
        dims_by_indicator: dict[int, dict[str, list[str]]] = {}
        for pk in shared:
            indicator = self.indicators[pk]
            dims = {
                d: sorted(self.codes(indicator, d) & other.codes(indicator, d))
                for d in indicator.dimension_ids
            }
            if all(dims.values()):
                indicators.append(indicator)
                dims_by_indicator[pk] = dims
        if not indicators:
            return None
        return {
            "indicators": indicators,
            "territory_ids": territories,
            "period_from": lo,
            "period_to": hi,
            "dimensions": dims_by_indicator,
        }


def _root(publication: Publication, strict: bool = True) -> Territory | None:
    root = publication.territory
    if root is None and publication.pilot is not None:
        root = Territory.objects.filter(
            country_id=publication.pilot.country_id, code=publication.pilot.territory_code
        ).first()
        if root is None and strict:
            raise DomainError(
                f"The pilot's territory code {publication.pilot.territory_code!r} is not a "
                "known territory.",
                code="unknown_territory",
            )
    return root


def declaration_of(
    publication: Publication,
    indicators: Iterable[Indicator] | None = None,
    strict: bool = True,
) -> Declaration:
    """The declared box of a publication (its indicators unless others are given).

    Not strict (another release, in an overlap check): a pilot territory code that names no
    territory counts as every territory, so the check errs on the side of refusing.
    """
    root = _root(publication, strict)
    chosen = list(publication.indicators.all() if indicators is None else indicators)
    return Declaration(
        indicators={i.pk: i for i in chosen},
        territory_ids=frozenset(territory_with_descendants(root)) if root is not None else None,
        period_from=publication.period_from,
        period_to=publication.period_to,
        dimensions={d: frozenset(c) for d, c in (publication.dimension_filter or {}).items()},
    )


def check_dimension_filter(raw: Any, indicators: list[Indicator]) -> dict[str, list[str]]:
    """The filter's shape: known dimensions of the indicators and codes they allow."""
    if not raw:
        return {}
    if not isinstance(raw, dict) or not all(
        isinstance(v, list) and v and all(isinstance(c, str) for c in v) for v in raw.values()
    ):
        raise DomainError(
            "dimension_filter maps a dimension id to a non-empty list of codes.",
            code="invalid_declaration",
            fields={"dimension_filter": ["Map a dimension id to a list of codes."]},
        )
    problems = []
    for dim, codes in raw.items():
        allowed = {c for i in indicators for c in (i.dimensions.get(dim) or ())}
        if not allowed:
            problems.append(f"{dim} is a dimension of none of the indicators")
        elif set(codes) - allowed:
            problems.append(f"{dim} has no code {', '.join(sorted(set(codes) - allowed))}")
    if problems:
        raise DomainError(
            "; ".join(problems) + ".",
            code="invalid_declaration",
            fields={"dimension_filter": problems},
        )
    return {d: sorted(set(c)) for d, c in raw.items()}


def _existing_cells(box: dict[str, Any]) -> tuple[int, list[str]]:
    """How many loaded observations lie in the box, and the first of their keys."""
    keys: list[str] = []
    count = 0
    for indicator in box["indicators"]:
        qs = Observation.objects.filter(indicator=indicator)
        if box["territory_ids"] is not None:
            qs = qs.filter(territory_id__in=box["territory_ids"])
        if box["period_from"]:
            qs = qs.filter(period_start__gte=box["period_from"])
        if box["period_to"]:
            qs = qs.filter(period_start__lte=box["period_to"])
        dims = box["dimensions"][indicator.pk]
        for territory, period, values, key in qs.order_by(
            "territory__code", "period_start", "dims_key"
        ).values_list("territory__code", "period", "dims", "dims_key"):
            if all(values.get(d) in codes for d, codes in dims.items()):
                count += 1
                if len(keys) < SHOWN_CELLS:
                    keys.append("/".join(p for p in (indicator.code, territory, period, key) if p))
    return count, keys


def _describe(box: dict[str, Any]) -> dict[str, Any]:
    territories = box["territory_ids"]
    codes = (
        None
        if territories is None
        else sorted(Territory.objects.filter(pk__in=territories).values_list("code", flat=True))
    )
    count, keys = _existing_cells(box)
    return {
        "indicators": [i.code for i in box["indicators"]],
        "territories": codes,
        "period_from": box["period_from"].isoformat() if box["period_from"] else None,
        "period_to": box["period_to"].isoformat() if box["period_to"] else None,
        "dimensions": {i.code: box["dimensions"][i.pk] for i in box["indicators"]},
        "cells": count,
        "examples": keys,
    }


def check_no_overlap(publication: Publication, declaration: Declaration) -> None:
    """Refuse a declaration that takes any cell another release series holds."""
    # Lock the indicators so two declarations of the same cells cannot pass side by side.
    list(
        Indicator.objects.select_for_update()
        .filter(pk__in=sorted(declaration.indicators))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    others = (
        Publication.objects.filter(
            state__in=HOLDING_STATES, indicators__in=list(declaration.indicators)
        )
        .exclude(series=publication.series)
        .select_related("territory", "pilot")
        .prefetch_related("indicators")
        .distinct()
        .order_by("series", "version")
    )
    conflicts = []
    for other in others:
        box = declaration.overlap(declaration_of(other, strict=False))
        if box is not None:
            conflicts.append(
                {
                    "publication": other.pk,
                    "series": other.series,
                    "version": other.version,
                    "title": other.title,
                    "state": other.state,
                    **_describe(box),
                }
            )
    if not conflicts:
        return
    first = conflicts[0]
    span = f"{first['period_from'] or '…'} to {first['period_to'] or '…'}"
    where = ", ".join(first["territories"] or ["every territory"])
    raise DomainError(
        f'These cells belong to the release "{first["title"]}" (series {first["series"]}, '
        f"version {first['version']}, {first['state']}): {', '.join(first['indicators'])} for "
        f"{where}, periods {span} — {first['cells']} loaded cell(s)"
        + (f" such as {', '.join(first['examples'][:5])}" if first["examples"] else "")
        + ". Only a revision of that series can change them; narrow this release's "
        "indicators, territory, periods or dimensions.",
        code="cells_held_by_other_release",
        conflicts=conflicts,
    )
