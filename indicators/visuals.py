"""What the dashboard, indicator and embed views draw: tiles, small multiples, maps.

Everything is computed from rows the caller read through the open-data selectors (the embargo
rule lives there); nothing here queries observations itself except `indicator_tiles`, which
uses the monitoring selector's one-query series read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from ddms_platform.web.templatetags.ddms import localname

from . import progress
from .models import Indicator, ReleasedObservation, Territory
from .selectors.monitoring import assess_target, total_series

# Sequential blues (ColorBrewer "Blues", 5 classes): light is low, dark is high.
MAP_COLOURS = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
# Flags a reader must see next to a value (SDMX observation status).
SHOWN_FLAGS = {"P": "p", "E": "e", "B": "b"}
SPARK_WIDTH, SPARK_HEIGHT = 120, 32


def _labels() -> Any:
    # Code lists with labels in the reader's language (indicators.sdmx); read once per call.
    from .sdmx.labels import Labeller

    return Labeller()


def _value(indicator: Indicator, row: ReleasedObservation) -> float | None:
    return None if row.value is None else round(float(row.value), indicator.decimals)


def chart_panels(indicator: Indicator, rows: list[ReleasedObservation]) -> list[dict[str, Any]]:
    """Small multiples: one panel per territory, one line per dimension slice inside it."""
    periods = sorted({r.period for r in rows})
    labels = _labels()
    unit = labels.unit(indicator.unit)
    panels: dict[str, dict[str, Any]] = {}
    for r in rows:
        panel = panels.setdefault(
            r.territory_code,
            {
                "id": f"panel-{indicator.code}-{r.territory_code}",
                "title": localname(r.territory),
                "territory": r.territory_code,
                "unit": unit,
                "periods": periods,
                "lines": {},
            },
        )
        label = labels.dims(r.dims_key) if r.dims_key else localname(r.territory)
        panel["lines"].setdefault(label, {})[r.period] = _value(indicator, r)
    return [
        {
            **{k: v for k, v in panel.items() if k != "lines"},
            "series": [
                {"label": label, "data": [values.get(p) for p in periods]}
                for label, values in panel["lines"].items()
            ],
        }
        for panel in panels.values()
    ]


def table_rows(indicator: Indicator, rows: list[ReleasedObservation]) -> dict[str, Any]:
    """The data table: one row per territory and slice, a cell per period with its flag."""
    periods = sorted({r.period for r in rows})
    labels = _labels()
    lines: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        label = localname(r.territory) + (f" ({labels.dims(r.dims_key)})" if r.dims_key else "")
        line = lines.setdefault((r.territory_code, r.dims_key), {"label": label, "cells": {}})
        line["cells"][r.period] = {
            "value": _value(indicator, r),
            "suppressed": r.value is None,
            "flag": SHOWN_FLAGS.get(r.status, ""),
        }
    empty = {"value": None, "suppressed": False, "flag": ""}
    return {
        "periods": periods,
        "lines": [
            {"label": line["label"], "cells": [line["cells"].get(p, empty) for p in periods]}
            for line in lines.values()
        ],
        "flags": sorted(
            {c["flag"] for line in lines.values() for c in line["cells"].values()} - {""}
        ),
        "suppressed": any(
            c["suppressed"] for line in lines.values() for c in line["cells"].values()
        ),
    }


def sparkline(values: list[float]) -> str:
    """SVG polyline points for the values, scaled into the tile's small box."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = SPARK_WIDTH / (len(values) - 1)
    return " ".join(
        f"{i * step:.1f},{SPARK_HEIGHT - 2 - (v - low) / span * (SPARK_HEIGHT - 4):.1f}"
        for i, v in enumerate(values)
    )


def _same_period_last_year(points: list[tuple[dt.date, str, float]]) -> float | None:
    start, kind, _v = points[-1]
    wanted = dt.date(start.year - 1, start.month, 1)
    for s, k, v in reversed(points):
        if s == wanted and k == kind:
            return v
    return None


def indicator_tiles(
    indicators: list[Indicator], territory: Territory | None, targets: Iterable[Any] = ()
) -> list[dict[str, Any]]:
    """A summary tile per indicator for one territory: latest value, change on a year before,
    progress level (against the first policy target on it) and a sparkline. One query."""
    series = total_series(indicators, territory)
    first_target: dict[str, Any] = {}
    for target in targets:
        first_target.setdefault(target.indicator_code, target)
    tiles = []
    for indicator in indicators:
        points = series.get(indicator.code) or []
        tile: dict[str, Any] = {"indicator": indicator, "latest": None, "level": None}
        if points:
            start, kind, value = points[-1]
            before = _same_period_last_year(points)
            tile["latest"] = {"period": _period_name(start, kind), "value": value}
            tile["change"] = None if before in (None, 0) else (value - before) / abs(before) * 100
            tile["spark"] = sparkline([v for _s, _k, v in points[-24:]])
        target = first_target.get(indicator.code)
        if target is not None:
            tile["level"] = assess_target(target, indicator, series)["status"]
        tiles.append(tile)
    return tiles


def _period_name(start: dt.date, kind: str) -> str:
    if kind == "M":
        return f"{start.year}-{start.month:02d}"
    if kind == "Q":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def class_breaks(values: list[float], classes: int = len(MAP_COLOURS)) -> list[float]:
    """Equal-interval upper bounds of each class (the last is the maximum)."""
    if not values:
        return []
    low, high = min(values), max(values)
    if high == low:
        return [high]
    width = (high - low) / classes
    return [low + width * (i + 1) for i in range(classes)]


def colour_for(value: float, breaks: list[float]) -> str:
    """The fill of a value: the first class whose upper bound holds it."""
    for i, bound in enumerate(breaks):
        if value <= bound + 1e-12:
            return MAP_COLOURS[i if len(breaks) > 1 else len(MAP_COLOURS) // 2]
    return MAP_COLOURS[-1]


def map_data(
    indicator: Indicator, rows: list[ReleasedObservation], *, period: str = "", dims_key: str = ""
) -> dict[str, Any] | None:
    """The choropleth of one period and slice: a feature per territory with a boundary.

    None when no territory of the rows has a boundary. The period defaults to the latest.
    """
    periods = sorted({r.period for r in rows})
    if not periods:
        return None
    period = period if period in periods else periods[-1]
    in_period = [r for r in rows if r.period == period and r.territory.boundary]
    if not any(r.dims_key == dims_key for r in in_period):
        dims_key = ""  # a cell loaded without dimensions is the total
    cells = [r for r in in_period if r.dims_key == dims_key]
    # The city around its municipalities would hide them: draw the finest level present.
    levels = {r.territory.level for r in cells}
    if "municipality" in levels and len(levels) > 1:
        cells = [r for r in cells if r.territory.level == "municipality"]
    if not cells:
        return None
    values = [_value(indicator, r) for r in cells]
    known = [v for v in values if v is not None]
    breaks = class_breaks(known)
    features = []
    for r, value in zip(cells, values, strict=True):
        features.append(
            {
                "type": "Feature",
                "geometry": r.territory.boundary,
                "properties": {
                    "code": r.territory_code,
                    "name": localname(r.territory),
                    "value": value,
                    "suppressed": value is None,
                    "fill": None if value is None else colour_for(value, breaks),
                },
            }
        )
    legend = []
    lower = min(known) if known else None
    for i, bound in enumerate(breaks):
        index = i if len(breaks) > 1 else len(MAP_COLOURS) // 2
        legend.append(
            {"colour": MAP_COLOURS[index], "cls": f"c{index}", "low": lower, "high": bound}
        )
        lower = bound
    return {
        "period": period,
        "periods": periods,
        "unit": _labels().unit(indicator.unit),
        "decimals": indicator.decimals,
        "features": {"type": "FeatureCollection", "features": features},
        "legend": legend,
        "has_suppressed": any(v is None for v in values),
        "synthetic": any("SYNTHETIC" in r.territory.boundary_source for r in cells),
    }


LEVEL_LABELS = {
    progress.TARGET_ACHIEVED: _("Target achieved"),
    progress.ON_TRACK_LEVEL: _("On track"),
    progress.ACCELERATION_NEEDED: _("Progress made, acceleration needed"),
    progress.LIMITED_PROGRESS: _("Limited progress"),
    progress.DETERIORATION: _("Deterioration"),
    progress.UNABLE: _("Unable to assess"),
    "unknown_indicator": _("Unknown indicator"),
}
