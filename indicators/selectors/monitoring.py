"""Policy monitoring: each target's latest published value, distance and trend verdict."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import FloatField
from django.db.models.functions import Cast

from partnerships.choices import TargetDirection
from partnerships.models import Pilot

from ..models import Indicator, ReleasedObservation, Territory
from .publications import current_publication_ids

TREND_POINTS = 5
# "Maintain" targets count as on track within this share of the target value.
MAINTAIN_TOLERANCE = 0.05


def _total_key(indicator: Indicator) -> str:
    """The dims key of the all-totals cell ('_T' for every dimension), the series to follow."""
    return "|".join(f"{d}=_T" for d in sorted(indicator.dimension_ids))


def _year_fraction(start: dt.date) -> float:
    return start.year + (start.month - 1) / 12


def linear_projection(points: list[tuple[float, float]], at: float) -> float | None:
    """Least-squares line through (x, y) points, evaluated at `at`; None with < 2 points."""
    if len(points) < 2:
        return None
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx
    return my + slope * (at - mx)


def meets(value: float, target: float, direction: str) -> bool:
    """Whether `value` satisfies the target in its direction."""
    if direction == TargetDirection.INCREASE:
        return value >= target
    if direction == TargetDirection.DECREASE:
        return value <= target
    return abs(value - target) <= abs(target) * MAINTAIN_TOLERANCE


def pilot_monitoring(*, pilot: Pilot, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """For each policy target of the pilot: latest public value, distance, trend verdict."""
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
    pubs = current_publication_ids(now=now)
    series: dict[str, list[tuple[dt.date, str, float]]] = {c: [] for c in indicators}
    if territory is not None and indicators and pubs:
        keys = {i.pk: _total_key(i) for i in indicators.values()}
        rows = (
            ReleasedObservation.objects.filter(
                publication_id__in=pubs,
                territory=territory,
                indicator__in=list(keys),
                value__isnull=False,
            )
            .annotate(v=Cast("value", FloatField()))
            .order_by("indicator_code", "period_start")
            .values_list(
                "indicator_id", "indicator_code", "dims_key", "period_start", "period", "v"
            )
        )
        for indicator_id, code, key, start, period, value in rows:
            if key == keys[indicator_id]:
                series[code].append((start, period, value))
    result = []
    for policy in policies:
        for target in policy.targets.all():
            result.append(
                {
                    "policy": {"id": policy.pk, "name": policy.name},
                    **_assess(target, indicators.get(target.indicator_code), series),
                }
            )
    return result


def _assess(target: Any, indicator: Indicator | None, series: dict) -> dict[str, Any]:
    target_value = float(target.target_value)
    base = {
        "target_id": target.pk,
        "indicator": target.indicator_code,
        "target_value": target_value,
        "target_year": target.target_year,
        "direction": target.direction,
        "latest": None,
        "distance": None,
        "projected": None,
        "status": "no_data",
    }
    if indicator is None:
        return {**base, "status": "unknown_indicator"}
    points = series.get(indicator.code) or []
    if not points:
        return base
    start, period, latest = points[-1]
    trend = [(_year_fraction(s), v) for s, _p, v in points[-TREND_POINTS:]]
    projected = linear_projection(trend, float(target.target_year))
    if projected is None:
        status = (
            "achieved" if meets(latest, target_value, target.direction) else "insufficient_data"
        )
    else:
        status = "on_track" if meets(projected, target_value, target.direction) else "off_track"
    return {
        **base,
        "unit": indicator.unit,
        "latest": {"period": period, "value": latest},
        "distance": round(target_value - latest, 6),
        "projected": None if projected is None else round(projected, 6),
        "status": status,
    }
