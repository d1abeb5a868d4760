"""Engine options for plausibility warnings: earlier published values and the hierarchy.

A request's Table Schema may say which indicator its file feeds:
``"x-ddms": {"previous": {"indicator": "ELEC_HH", "keys": ["territory", "sex"],
"dimensions": ["sex"], "field": "value", "period": "month", "tolerance": 0.3}}`` — ``keys``
are the file's columns naming the territory code and then each listed dimension; with
``period`` a monthly or quarterly value is judged against the same period a year earlier
(else the previous period). The tolerance (relative change) comes from the schema, else the
indicator, else ``DDMS_PLAUSIBILITY_TOLERANCE``. ``"x-ddms": {"hierarchy": {...}}`` asks for
totals across rows along the territory hierarchy. The indicators app registers the
providers (this app must not import it), so partnerships stays below indicators.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

# (indicator code, dimension ids, by period) -> {(territory, *dimension codes[, period]): value}
PreviousValues = Callable[[str, list[str], bool], dict[tuple[str, ...], float]]
# indicator code -> its own tolerance, None when it has none
Tolerance = Callable[[str], float | None]
# () -> {parent territory code: [child codes]}
Hierarchy = Callable[[], dict[str, list[str]]]

_provider: PreviousValues | None = None
_tolerance: Tolerance | None = None
_hierarchy: Hierarchy | None = None


def register_previous_values(
    provider: PreviousValues,
    *,
    tolerance: Tolerance | None = None,
    hierarchy: Hierarchy | None = None,
) -> None:
    """Install the functions that look up published values, tolerances and the hierarchy."""
    global _provider, _tolerance, _hierarchy
    _provider, _tolerance, _hierarchy = provider, tolerance, hierarchy


def previous_values_options(schema: dict[str, Any]) -> dict[str, Any]:
    """Engine options (`previous`, `previous_period`, `jump_tolerance`, `hierarchy`)."""
    extension = schema.get("x-ddms") if isinstance(schema, dict) else None
    if not isinstance(extension, dict):
        return {}
    options: dict[str, Any] = {}
    across = extension.get("hierarchy")
    if isinstance(across, dict) and across.get("territory") and _hierarchy is not None:
        options["hierarchy"] = _hierarchy()
    config = extension.get("previous")
    if not isinstance(config, dict) or not config.get("indicator") or _provider is None:
        return options
    code = str(config["indicator"])
    dimensions = [str(d) for d in config.get("dimensions", [])]
    period = config.get("period")
    tolerance = config.get("tolerance")
    if tolerance is None and _tolerance is not None:
        tolerance = _tolerance(code)
    return options | {
        "previous": _provider(code, dimensions, bool(period)),
        "previous_period": str(period) if period else None,
        "jump_tolerance": float(
            settings.DDMS_PLAUSIBILITY_TOLERANCE if tolerance is None else tolerance
        ),
    }
