"""Read-side queries for the indicator pages: only released values, whatever the viewer.

Released means: a publication in a releasable state whose release time has passed, and not
superseded by a later released version of the same series. Embargoed values never reach a page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from partnerships.choices import TargetDirection
from partnerships.models import PolicyTarget

from .choices import RELEASABLE_STATES, PublicationState
from .models import Indicator, Publication, ReleasedObservation


def released_publications(now: dt.datetime | None = None) -> QuerySet[Publication]:
    """Publications whose embargo has lifted."""
    now = now or timezone.now()
    return Publication.objects.filter(state__in=RELEASABLE_STATES, release_at__lte=now)


def current_publications(now: dt.datetime | None = None) -> QuerySet[Publication]:
    """Released publications not replaced by a later released version of their series."""
    released = released_publications(now)
    return released.exclude(revisions__in=released)


def public_indicators(*, q: str = "", topic: str = "", sdg: str = "") -> QuerySet[Indicator]:
    """Active indicators with at least one released value, filtered for the catalogue."""
    qs = Indicator.objects.filter(
        is_active=True, pk__in=current_publications().values("indicators")
    )
    if q:
        qs = qs.filter(
            Q(code__icontains=q)
            | Q(name_en__icontains=q)
            | Q(name_sr_latn__icontains=q)
            | Q(name_sr_cyrl__icontains=q)
            | Q(description__icontains=q)
        )
    if topic:
        qs = qs.filter(topic=topic)
    if sdg:
        qs = qs.filter(sdg_targets__icontains=sdg)
    return qs.order_by("code")


def released_series(
    indicator: Indicator, *, dims: dict[str, str] | None = None
) -> list[ReleasedObservation]:
    """The indicator's released values, optionally for one value of some dimensions."""
    rows = list(
        ReleasedObservation.objects.filter(
            indicator=indicator, publication__in=current_publications()
        )
        .select_related("territory", "submission__request__agreement", "publication")
        .order_by("territory_code", "period_start", "dims_key")
    )
    wanted = {k: v for k, v in (dims or {}).items() if v}
    if wanted:
        rows = [r for r in rows if all((r.dims or {}).get(k) == v for k, v in wanted.items())]
    return rows


def chart_data(indicator: Indicator, rows: list[ReleasedObservation]) -> dict[str, Any]:
    """Series per territory (and dimension key) for the chart script; values as numbers."""
    periods = sorted({r.period for r in rows})
    series: dict[str, dict[str, Any]] = {}
    for r in rows:
        label = r.territory.name_en if not r.dims_key else f"{r.territory.name_en} ({r.dims_key})"
        entry = series.setdefault(label, {"label": label, "values": {}})
        entry["values"][r.period] = None if r.value is None else float(r.value)
    return {
        "unit": indicator.unit,
        "periods": periods,
        "series": [
            {"label": s["label"], "data": [s["values"].get(p) for p in periods]}
            for s in series.values()
        ],
    }


def upcoming_releases(user: Any = None, *, days_back: int = 30) -> QuerySet[Publication]:
    """The release calendar: scheduled and recent releases (drafts only for NSI staff pages)."""
    since = timezone.now() - dt.timedelta(days=days_back)
    qs = Publication.objects.filter(
        state__in=[PublicationState.SCHEDULED, PublicationState.PUBLISHED], release_at__gte=since
    )
    return qs.order_by("release_at").prefetch_related("indicators")


@dataclass(frozen=True)
class TargetStatus:
    """A policy target with the latest released value and whether it is on track."""

    target: PolicyTarget
    indicator: Indicator | None
    latest_value: Decimal | None
    latest_period: str | None
    on_track: bool | None


def target_status(target: PolicyTarget, latest: ReleasedObservation | None) -> bool | None:
    """On track when the latest value is at least as far along as the time elapsed."""
    if latest is None or latest.value is None:
        return None
    value, goal = latest.value, target.target_value
    if target.direction == TargetDirection.MAINTAIN:
        return abs(value - goal) <= abs(goal) * Decimal("0.05")
    sign = 1 if target.direction == TargetDirection.INCREASE else -1
    if sign * (value - goal) >= 0:
        return True
    base, base_year = target.baseline_value, target.baseline_year
    if base is None or base_year is None or target.target_year <= base_year:
        return False
    year = latest.period_start.year
    elapsed = Decimal(max(0, year - base_year)) / Decimal(target.target_year - base_year)
    progress = (value - base) / (goal - base) if goal != base else Decimal(1)
    return progress >= elapsed


def targets_for_pilots(pilot_ids: list[int]) -> list[TargetStatus]:
    """Every policy target of these pilots with its latest released value."""
    targets = list(
        PolicyTarget.objects.filter(policy__pilot_id__in=pilot_ids).select_related("policy__pilot")
    )
    codes = {t.indicator_code for t in targets}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    latest: dict[str, ReleasedObservation] = {}
    for row in ReleasedObservation.objects.filter(
        indicator_code__in=codes, publication__in=current_publications(), dims_key=""
    ).order_by("period_start"):
        latest[row.indicator_code] = row
    result = []
    for t in targets:
        obs = latest.get(t.indicator_code)
        result.append(
            TargetStatus(
                target=t,
                indicator=indicators.get(t.indicator_code),
                latest_value=obs.value if obs else None,
                latest_period=obs.period if obs else None,
                on_track=target_status(t, obs),
            )
        )
    return result
