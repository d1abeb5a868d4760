"""The Table Schema of a data request that feeds one indicator.

Its dimensions, territory level, periods and unit give the columns; territory and dimension
columns get foreign keys to the platform's code lists (``ddms:`` resources), and the
``x-ddms`` extension turns on the plausibility checks (jumps against the same period a year
earlier, totals across the territory hierarchy and the dimensions' ``_T`` codes).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .choices import PeriodType
from .code_lists import dimension_resource
from .models import Indicator, Observation, Territory

PERIODS: dict[str, dict[str, Any]] = {
    PeriodType.YEAR: {"type": "year", "title": "Year"},
    PeriodType.QUARTER: {
        "type": "string",
        "title": "Quarter",
        "constraints": {"pattern": r"^\d{4}-Q[1-4]$"},
    },
    PeriodType.MONTH: {
        "type": "string",
        "title": "Month",
        "constraints": {"pattern": r"^\d{4}-(0[1-9]|1[0-2])$"},
    },
}


def usual_period_type(indicator: Indicator) -> str:
    """The period type most of the indicator's observations have (yearly when none)."""
    counts = Counter(
        Observation.objects.filter(indicator=indicator).values_list("period_type", flat=True)[:5000]
    )
    return counts.most_common(1)[0][0] if counts else PeriodType.YEAR


def indicator_table_schema(
    indicator: Indicator,
    *,
    root: Territory | None = None,
    level: str = "",
    period_type: str | None = None,
) -> dict[str, Any]:
    """The Table Schema of a file of ``indicator`` values by territory, period and dimension."""
    period_type = period_type or usual_period_type(indicator)
    period = PERIODS.get(period_type, PERIODS[PeriodType.YEAR])
    territory_list = "ddms:territories" + (f":{root.code}" if root else "")
    if root and level:
        territory_list += f":{level}"
    territory_title = "Territory" + (f" ({level})" if level else "")
    fields: list[dict[str, Any]] = [
        {
            "name": "territory",
            "title": territory_title,
            "description": "Territory code" + (f" of a {level}" if level else ""),
            "type": "string",
            "constraints": {"required": True},
        },
        {
            "name": "period",
            "title": period["title"],
            "type": period["type"],
            "constraints": {"required": True, **period.get("constraints", {})},
        },
    ]
    dimensions = list(indicator.dimensions or {})
    for dimension in dimensions:
        fields.append(
            {
                "name": dimension,
                "title": dimension.replace("_", " ").capitalize(),
                "type": "string",
                "constraints": {"required": True},
            }
        )
    fields.append(
        {
            "name": "value",
            "title": f"{indicator.name_en} ({indicator.unit})",
            "description": f"Value in {indicator.unit}",
            "type": "number",
            "constraints": {"required": True},
        }
    )
    totals = [d for d in dimensions if "_T" in (indicator.dimensions or {}).get(d, [])]
    return {
        "fields": fields,
        "primaryKey": ["territory", "period", *dimensions],
        "foreignKeys": [
            {"fields": "territory", "reference": {"resource": territory_list, "fields": "code"}},
            *[
                {
                    "fields": d,
                    "reference": {
                        "resource": dimension_resource(indicator, d),
                        "fields": "code",
                    },
                }
                for d in dimensions
            ],
        ],
        "x-ddms": {
            "previous": {
                "indicator": indicator.code,
                "keys": ["territory", *dimensions],
                "dimensions": dimensions,
                "field": "value",
                "period": "period",
            },
            "hierarchy": {
                "territory": "territory",
                "value": "value",
                "by": ["period", *[d for d in dimensions if d not in totals]],
                "dimensions": totals,
            },
        },
    }


def schema_for_code(
    code: str, root: str, level: str, period: str, countries: frozenset[str] | None = None
) -> dict[str, Any] | None:
    """The registered generator: codes in, schema out (None for an unknown indicator). Codes
    are unique per NSI: `countries` (the asking staff's) says whose indicator is meant."""
    indicators = Indicator.objects.select_related("owner").filter(code=code)
    if countries is not None:
        indicators = indicators.filter(owner__country_id__in=countries)
    indicator = indicators.order_by("pk").first()
    if indicator is None:
        return None
    territory = (
        Territory.objects.filter(country_id=indicator.owner.country_id, code=root).first()
        if root
        else None
    )
    period_type = period if period in PeriodType.values else None
    return indicator_table_schema(indicator, root=territory, level=level, period_type=period_type)
