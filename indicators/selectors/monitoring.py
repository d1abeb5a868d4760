"""Policy monitoring: each target's published values, annualised, through the progress measure.

The inputs are public (released values and the targets the city adopted), so the result is
public too: the progress page and the monitoring API answer everyone (docs/indicators.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import FloatField
from django.db.models.functions import Cast

from partnerships.models import Pilot

from .. import progress
from ..models import Indicator, ReleasedObservation, Territory
from .publications import current_publication_ids

Point = tuple[dt.date, str, float]


def total_key(indicator: Indicator) -> str:
    """The dims key of the all-totals cell ('_T' for every dimension), the series to follow."""
    return "|".join(f"{d}=_T" for d in sorted(indicator.dimension_ids))


def total_series(
    indicators: list[Indicator], territory: Territory | None, *, now: dt.datetime | None = None
) -> dict[str, list[Point]]:
    """Indicator code → the public (period start, period type, value) points of its total cell.

    One query whatever the number of indicators.
    """
    series: dict[str, list[Point]] = {i.code: [] for i in indicators}
    pubs = current_publication_ids(now=now)
    if territory is None or not indicators or not pubs:
        return series
    keys = {i.pk: total_key(i) for i in indicators}
    rows = (
        ReleasedObservation.objects.filter(
            publication_id__in=pubs,
            territory=territory,
            indicator__in=list(keys),
            dims_key__in=[*set(keys.values()), ""],
        )
        .exclude(value__isnull=True)
        .annotate(v=Cast("value", FloatField()))
        .order_by("indicator_code", "period_start")
        .values_list(
            "indicator_id", "indicator_code", "dims_key", "period_start", "period_type", "v"
        )
    )
    # The all-totals cell; a cell loaded without dimensions is the total too.
    for indicator_id, code, key, start, kind, value in rows:
        if key in (keys[indicator_id], ""):
            series[code].append((start, kind, value))
    return series


def pilot_monitoring(*, pilot: Pilot, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """For each policy target of the pilot: the progress level with every input of it."""
    policies = list(pilot.policies.prefetch_related("targets"))
    targets = [t for p in policies for t in p.targets.all()]
    codes = {t.indicator_code for t in targets}
    # Codes are unique per NSI: a pilot's targets name its own country's indicators.
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(code__in=codes, owner__country_id=pilot.country_id)
    }
    territory = Territory.objects.filter(
        country_id=pilot.country_id, code=pilot.territory_code
    ).first()
    series = total_series(list(indicators.values()), territory, now=now)
    return [
        {
            "policy": {"id": policy.pk, "name": policy.name},
            **assess_target(target, indicators.get(target.indicator_code), series),
        }
        for policy in policies
        for target in policy.targets.all()
    ]


def assess_target(target: Any, indicator: Indicator | None, series: dict) -> dict[str, Any]:
    """One target against the indicator's annual values, from the policy's baseline."""
    target_value = float(target.target_value)
    base = {
        "target_id": target.pk,
        "indicator": target.indicator_code,
        "target_value": target_value,
        "target_year": target.target_year,
        "direction": target.direction,
        "latest": None,
        "distance": None,
        "status": progress.UNABLE,
        "progress": None,
    }
    if indicator is None:
        return {**base, "status": "unknown_indicator"}
    points = series.get(indicator.code) or []
    annual = progress.annual_values(points, how=indicator.annual_aggregation)
    baseline = target.baseline_value is not None and target.baseline_year is not None
    result = progress.assess(
        annual,
        direction=target.direction,
        target_value=target_value,
        target_year=target.target_year,
        base_year=float(target.baseline_year) if baseline else None,
        base_value=float(target.baseline_value) if baseline else None,
    )
    latest = None
    if points:
        start, _kind, value = points[-1]
        latest = {"period": _period_label(start, _kind), "value": value}
    return {
        **base,
        "unit": indicator.unit,
        "latest": latest,
        "distance": None if latest is None else round(target_value - latest["value"], 6),
        "status": result.level,
        "progress": result.as_dict(),
    }


def _period_label(start: dt.date, kind: str) -> str:
    if kind == "M":
        return f"{start.year}-{start.month:02d}"
    if kind == "Q":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)
