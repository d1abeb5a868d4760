"""Streaming renderers for open data: JSON, CSV and SDMX-CSV 2.0, in constant memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

import orjson
from django.db import connection
from django.db.models import CharField, F, QuerySet
from django.db.models.functions import Cast, Round

from .models import Indicator, ReleasedObservation

CHUNK_SIZE = 5000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SDMX_AGENCY = "DDMS"
SDMX_VERSION = "1.0"
CSV_HEADER = ["indicator", "territory", "period", "dimensions", "value", "status", "publication"]


def neutralise(cell: str) -> str:
    """Prefix a text cell a spreadsheet would run as a formula with an apostrophe (OWASP)."""
    return "'" + cell if cell and cell.startswith(FORMULA_START) else cell


def dataflow_id(indicator_code: str) -> str:
    """The SDMX dataflow reference of an indicator: DDMS:DF_<CODE>(1.0)."""
    return f"{SDMX_AGENCY}:DF_{indicator_code.upper()}({SDMX_VERSION})"


def _decimals(qs: QuerySet[ReleasedObservation]) -> dict[str, int]:
    return dict(Indicator.objects.values_list("code", "decimals"))


def _fmt(value: Any, decimals: int) -> str:
    return "" if value is None else f"{value:.{decimals}f}"


def _chunks(rows: Iterable[Any], size: int = CHUNK_SIZE) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _ordered(qs: QuerySet[ReleasedObservation]) -> QuerySet[ReleasedObservation]:
    return qs.order_by("indicator_code", "territory_code", "dims_key", "period_start", "id")


def stream_csv(qs: QuerySet[ReleasedObservation]) -> Iterator[bytes]:
    """Plain CSV, one row per released value; text cells neutralised against formulas."""
    decimals = _decimals(qs)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    if connection.vendor == "postgresql":
        # PostgreSQL rounds and formats numeric itself (round(x, n)::text keeps n decimals),
        # which spares a Decimal object and a Python format call per row.
        qs = qs.annotate(
            value_text=Cast(
                Round("value", precision=F("indicator__decimals")),  # type: ignore[arg-type]
                CharField(),
            )
        )
        value_column = "value_text"
    else:
        value_column = "value"
    rows = _ordered(qs).values_list(
        "indicator_code",
        "territory_code",
        "period",
        "dims_key",
        value_column,
        "status",
        "publication_id",
    )
    sql_formatted = value_column == "value_text"
    for batch in _chunks(rows.iterator(chunk_size=CHUNK_SIZE)):
        writer.writerows(
            (
                neutralise(ind),
                neutralise(terr),
                period,
                neutralise(key),
                (value or "") if sql_formatted else _fmt(value, decimals[ind]),
                status,
                pub,
            )
            for ind, terr, period, key, value, status, pub in batch
        )
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def stream_json(qs: QuerySet[ReleasedObservation]) -> Iterator[bytes]:
    """A JSON array of observation objects, written chunk by chunk."""
    decimals = _decimals(qs)
    rows = _ordered(qs).values_list(
        "id",
        "indicator_code",
        "territory_code",
        "period",
        "dims",
        "value",
        "status",
        "publication_id",
    )
    yield b"["
    first = True
    for batch in _chunks(rows.iterator(chunk_size=CHUNK_SIZE)):
        body = orjson.dumps(
            [
                {
                    "id": pk,
                    "indicator": ind,
                    "territory": terr,
                    "period": period,
                    "dims": dims,
                    "value": None if value is None else round(float(value), decimals[ind]),
                    "status": status,
                    "publication": pub,
                }
                for pk, ind, terr, period, dims, value, status, pub in batch
            ]
        )[1:-1]
        yield body if first else b"," + body
        first = False
    yield b"]"


def sdmx_header(indicator: Indicator) -> list[str]:
    """SDMX-CSV 2.0 columns: structure, action, the key (FREQ, REF_AREA, dims), measure, status."""
    return [
        "STRUCTURE",
        "STRUCTURE_ID",
        "ACTION",
        "FREQ",
        "REF_AREA",
        *[d.upper() for d in indicator.dimension_ids],
        "TIME_PERIOD",
        "OBS_VALUE",
        "OBS_STATUS",
    ]


def stream_sdmx_csv(qs: QuerySet[ReleasedObservation], indicator: Indicator) -> Iterator[bytes]:
    """SDMX-CSV 2.0 for one indicator's dataflow (the key differs between indicators)."""
    dims = indicator.dimension_ids
    structure_id = dataflow_id(indicator.code)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(sdmx_header(indicator))
    rows = _ordered(qs.filter(indicator=indicator)).values_list(
        "period_type", "territory_code", "dims", "period", "value", "status"
    )
    for batch in _chunks(rows.iterator(chunk_size=CHUNK_SIZE)):
        writer.writerows(
            (
                "dataflow",
                structure_id,
                "I",
                freq,
                neutralise(terr),
                *[neutralise(str(values.get(d, ""))) for d in dims],
                period,
                _fmt(value, indicator.decimals),
                status,
            )
            for freq, terr, values, period, value, status in batch
        )
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
