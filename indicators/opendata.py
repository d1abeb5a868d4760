"""Writers for one indicator's released values: CSV, JSON and SDMX-CSV (2.0 column layout)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable

from django.http import HttpResponse

from .models import Indicator, ReleasedObservation

FORMATS = ("csv", "json", "sdmx-csv")
DATAFLOW = "NSI:DF_DDMS(1.0)"


def _cell(value: object) -> str:
    """A text cell that looks like a formula is prefixed so spreadsheets keep it as text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _records(indicator: Indicator, rows: Iterable[ReleasedObservation]) -> list[dict[str, object]]:
    dims = indicator.dimension_ids
    out = []
    for r in rows:
        record: dict[str, object] = {
            "indicator": r.indicator_code,
            "territory": r.territory_code,
            "period": r.period,
        }
        for d in dims:
            record[d] = (r.dims or {}).get(d, "_T")
        record["value"] = None if r.value is None else float(r.value)
        record["status"] = r.status
        out.append(record)
    return out


def download(indicator: Indicator, rows: Iterable[ReleasedObservation], fmt: str) -> HttpResponse:
    """One response in the requested format, named after the indicator code."""
    records = _records(indicator, rows)
    name = f"{indicator.code}.{'csv' if fmt != 'json' else 'json'}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps({"indicator": indicator.code, "unit": indicator.unit, "data": records}),
            content_type="application/json",
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        dims = indicator.dimension_ids
        if fmt == "csv":
            header = ["indicator", "territory", "period", *dims, "value", "status"]
            writer.writerow(header)
            for rec in records:
                writer.writerow([_cell(rec[h]) if h != "value" else rec[h] for h in header])
        else:
            writer.writerow(
                [
                    "STRUCTURE",
                    "STRUCTURE_ID",
                    "ACTION",
                    "INDICATOR",
                    "REF_AREA",
                    *[d.upper() for d in dims],
                    "TIME_PERIOD",
                    "OBS_VALUE",
                    "OBS_STATUS",
                ]
            )
            for rec in records:
                writer.writerow(
                    [
                        "dataflow",
                        DATAFLOW,
                        "I",
                        rec["indicator"],
                        rec["territory"],
                        *[rec[d] for d in dims],
                        rec["period"],
                        rec["value"],
                        rec["status"],
                    ]
                )
        name = f"{indicator.code}{'-sdmx' if fmt == 'sdmx-csv' else ''}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
