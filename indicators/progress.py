"""The Open SDG progress measure (Statistics Canada's method), on annual values.

Plain Python, no database. The method compares the observed compound annual growth rate since
the base year with the rate needed to reach the target on time:

    CAGR_i = (y_i / y_0) ** (1 / (t_i - t_0)) - 1        observed, base year t_0 to latest t_i
    CAGR_T = (y_T / y_0) ** (1 / (t_T - t_0)) - 1        required to reach y_T in t_T
    R      = d * CAGR_i / |CAGR_T|                        d = +1 (increase) or -1 (decrease)

and files R into five levels: target achieved (the latest value meets the target, whatever the
trend), on track (R >= 95 %), progress made but acceleration needed (60 % <= R < 95 %), limited
progress (0 <= R < 60 %), deterioration (R < 0). Without a numeric target the observed CAGR
(times d) is compared with fixed rates: 1.5 %, 0.5 % and 0.

Sub-annual series are first turned into annual values (the calendar-year mean or sum, the
indicator's choice) over complete years only, so a winter peak cannot pass for a trend; when
the latest year is not complete, the last twelve months (four quarters) stand for it, dated
where their window ends, so the comparison stays year on year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

ON_TRACK = 0.95
ACCELERATE = 0.60
# Thresholds of the observed CAGR when there is no numeric target (the method's table).
NO_TARGET_ON_TRACK = 0.015
NO_TARGET_ACCELERATE = 0.005
# An exponential model cannot start or end at zero; the method replaces zero by this.
ZERO_REPLACEMENT = 0.001
# "Maintain" targets count as achieved within this share of the target value.
MAINTAIN_TOLERANCE = 0.05

TARGET_ACHIEVED = "target_achieved"
ON_TRACK_LEVEL = "on_track"
ACCELERATION_NEEDED = "acceleration_needed"
LIMITED_PROGRESS = "limited_progress"
DETERIORATION = "deterioration"
UNABLE = "unable_to_assess"
LEVELS = (TARGET_ACHIEVED, ON_TRACK_LEVEL, ACCELERATION_NEEDED, LIMITED_PROGRESS, DETERIORATION)

PER_YEAR = {"M": 12, "Q": 4, "A": 1}


@dataclass(frozen=True)
class Progress:
    """One assessment with every input, so a page can show how it was reached."""

    level: str
    base_year: float | None = None
    base_value: float | None = None
    latest_year: float | None = None
    latest_value: float | None = None
    target_year: int | None = None
    target_value: float | None = None
    direction: str = ""
    observed_cagr: float | None = None
    required_cagr: float | None = None
    ratio: float | None = None
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def cagr(y0: float, yi: float, years: float) -> float:
    """Compound annual growth rate from y0 to yi over `years` (zeros replaced as the method says)."""
    y0 = y0 or ZERO_REPLACEMENT
    yi = yi or ZERO_REPLACEMENT
    return float((yi / y0) ** (1 / years) - 1)


def level_for_ratio(ratio: float) -> str:
    """The level of R (observed over required growth) by the method's thresholds."""
    if ratio >= ON_TRACK:
        return ON_TRACK_LEVEL
    if ratio >= ACCELERATE:
        return ACCELERATION_NEEDED
    if ratio >= 0:
        return LIMITED_PROGRESS
    return DETERIORATION


def level_without_target(directed_cagr: float) -> str:
    """The level of d·CAGR when no numeric target is set."""
    if directed_cagr >= NO_TARGET_ON_TRACK:
        return ON_TRACK_LEVEL
    if directed_cagr >= NO_TARGET_ACCELERATE:
        return ACCELERATION_NEEDED
    if directed_cagr >= 0:
        return LIMITED_PROGRESS
    return DETERIORATION


def _period_fraction(start: dt.date) -> float:
    return start.year + (start.month - 1) / 12


def annual_values(
    points: list[tuple[dt.date, str, float]], *, how: str = "mean"
) -> list[tuple[float, float]]:
    """(year, value) pairs from (period start, period type, value) points of one series.

    Yearly points pass through. Months and quarters become a calendar-year mean or sum over
    complete years; an incomplete latest year is replaced by the last full twelve months
    (four quarters), dated at the fraction of the year where that window ends.
    """
    if not points:
        return []
    points = sorted(points)
    kind = points[-1][1]
    per_year = PER_YEAR.get(kind, 1)
    same = [(s, v) for s, k, v in points if k == kind]
    if per_year == 1:
        return [(float(s.year), v) for s, v in same]

    def combine(values: list[float]) -> float:
        total = sum(values)
        return total if how == "sum" else total / len(values)

    by_year: dict[int, list[float]] = {}
    for start, value in same:
        by_year.setdefault(start.year, []).append(value)
    result = [(float(y), combine(vs)) for y, vs in sorted(by_year.items()) if len(vs) == per_year]
    last_start = same[-1][0]
    if len(by_year[last_start.year]) < per_year and len(same) >= per_year:
        window = same[-per_year:]
        # The window is one year long only if no period is missing inside it.
        span = _period_fraction(window[-1][0]) - _period_fraction(window[0][0])
        if abs(span - (per_year - 1) / per_year) < 1e-9:
            end = _period_fraction(last_start) + 1 / per_year
            result.append((end - 1, combine([v for _, v in window])))
    return result


def _meets(value: float, target: float, direction: str) -> bool:
    if direction == "increase":
        return value >= target
    if direction == "decrease":
        return value <= target
    return abs(value - target) <= abs(target) * MAINTAIN_TOLERANCE


def assess(
    annual: list[tuple[float, float]],
    *,
    direction: str,
    target_value: float | None = None,
    target_year: int | None = None,
    base_year: float | None = None,
    base_value: float | None = None,
) -> Progress:
    """The progress level of one annual series against its target (or its direction alone).

    The base is the policy's baseline when it has one, else the first annual value. The
    latest value must come after the base year; two points at least, all of one sign.
    """
    inputs: dict[str, Any] = {
        "target_value": target_value,
        "target_year": target_year,
        "direction": direction,
    }
    if base_year is None or base_value is None:
        if not annual:
            return Progress(UNABLE, reason="no_data", **inputs)
        base_year, base_value = annual[0]
    if not annual:
        return Progress(
            UNABLE, base_year=base_year, base_value=base_value, reason="no_data", **inputs
        )
    latest_year, latest_value = annual[-1]
    known = {
        "base_year": base_year,
        "base_value": base_value,
        "latest_year": latest_year,
        "latest_value": latest_value,
        **inputs,
    }
    if target_value is not None and _meets(latest_value, target_value, direction):
        return Progress(TARGET_ACHIEVED, **known)
    if latest_year <= base_year:
        return Progress(UNABLE, reason="no_value_after_base_year", **known)
    values = [base_value, latest_value] + ([target_value] if target_value is not None else [])
    if not (all(v >= 0 for v in values) or all(v <= 0 for v in values)):
        return Progress(UNABLE, reason="values_change_sign", **known)
    d = -1 if direction == "decrease" else 1
    if direction == "maintain" and target_value is not None:
        # Heading for the band around the target is the desired direction.
        d = 1 if target_value > base_value else -1
    if all(v <= 0 for v in values) and any(v < 0 for v in values):
        d = -d  # all-negative series: the method flips the desired direction
    observed = cagr(base_value, latest_value, latest_year - base_year)
    if target_value is None or target_year is None:
        return Progress(level_without_target(d * observed), observed_cagr=observed, **known)
    if target_year <= base_year:
        return Progress(UNABLE, reason="target_year_not_after_base", **known)
    required = cagr(base_value, target_value, target_year - base_year)
    if required == 0:
        # Base already at the target and the latest value has left it: any move away counts.
        return Progress(DETERIORATION, observed_cagr=observed, required_cagr=0.0, **known)
    ratio = d * observed / abs(required)
    return Progress(
        level_for_ratio(ratio),
        observed_cagr=observed,
        required_cagr=required,
        ratio=ratio,
        **known,
    )
