"""Streaming renderers for open data: JSON, CSV and SDMX-CSV 2.0, in constant memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

import orjson
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, F, QuerySet
from django.db.models.functions import Cast, Round

from .models import Indicator, ReleasedObservation

CHUNK_SIZE = 5000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The agency of an indicator whose owner NSI names none (never the case after the tenancy
# migration, which gives every NSI one).
SDMX_AGENCY = "DDMS"
# Three-part versions, as SDMX 3 writes them (and SDMX REST 2 queries them).
SDMX_VERSION = "1.0.0"
# "owner" (the owning NSI's SDMX agency id) comes last so readers by position keep working.
CSV_HEADER = [
    "indicator",
    "territory",
    "period",
    "dimensions",
    "value",
    "status",
    "publication",
    "owner",
]


def neutralise(cell: str) -> str:
    """Prefix a text cell a spreadsheet would run as a formula with an apostrophe (OWASP)."""
    return "'" + cell if cell and cell.startswith(FORMULA_START) else cell


def sdmx_agency_id(indicator: Indicator | None = None) -> str:
    """The SDMX maintenance agency (the one place that decides it): an indicator's structures
    belong to its owner NSI; the code lists all NSIs share, to the platform (`SDMX_AGENCY`)."""
    if indicator is None:
        return SDMX_AGENCY
    return indicator.owner.agency_id or SDMX_AGENCY


def dataflow_id(indicator_code: str, agency: str = SDMX_AGENCY) -> str:
    """The SDMX dataflow reference of an indicator: <AGENCY>:DF_<CODE>(1.0.0)."""
    return f"{agency}:DF_{indicator_code.upper()}({SDMX_VERSION})"


def indicator_dataflow_id(indicator: Indicator) -> str:
    """The dataflow reference of `indicator`, under its owner's agency (e.g. SORS:DF_ELEC_HH)."""
    return dataflow_id(indicator.code, sdmx_agency_id(indicator))


def _per_indicator() -> dict[int, tuple[int, str]]:
    """Indicator id → (decimals, owner agency id): codes repeat across owners, ids do not."""
    return {
        pk: (decimals, agency or SDMX_AGENCY)
        for pk, decimals, agency in Indicator.objects.values_list(
            "pk", "decimals", "owner__agency_id"
        )
    }


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


def _neutralised_sql(column: str) -> str:
    """SQL twin of `neutralise`, built from the same FORMULA_START characters."""
    codes = ", ".join(str(ord(c)) for c in FORMULA_START)
    return f"CASE WHEN ascii({column}) IN ({codes}) THEN chr(39) || {column} ELSE {column} END"


def stream_csv(qs: QuerySet[ReleasedObservation]) -> Iterator[bytes]:
    """Plain CSV, one row per released value; text cells neutralised against formulas."""
    if connection.vendor == "postgresql":
        return _copy_csv(qs)
    return _python_csv(qs)


def _csv_header() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(CSV_HEADER)
    return buffer.getvalue().encode()


def _copy_csv(qs: QuerySet[ReleasedObservation], block: int = 256 * 1024) -> Iterator[bytes]:
    """PostgreSQL formats and quotes every row itself (COPY of the query), as csv.writer does.

    round(value, decimals)::text keeps the indicator's decimals; an empty dimension key is
    NULL so it is written empty, not as the quoted "" COPY gives an empty string.
    """
    rows = (
        _ordered(qs)
        .annotate(
            c_value=Cast(
                Round("value", precision=F("indicator__decimals")),  # type: ignore[arg-type]
                CharField(),
            ),
        )
        .values_list(
            "indicator_code",
            "territory_code",
            "period",
            "dims_key",
            "c_value",
            "status",
            "publication_id",
            "indicator__owner__agency_id",
        )
    )
    yield _csv_header()
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # nothing public yet: Django knows without asking the database
        return
    n = _neutralised_sql
    # Neutralised over the sorted rows as they stream out: the same expressions below the
    # sort made the query half again slower.
    copy_sql = (
        f"COPY (SELECT {n('s.ind')}, {n('s.terr')}, s.period, NULLIF({n('s.dkey')}, ''), "  # noqa: S608
        f"s.val, s.status, s.pub, COALESCE(s.owner, '{SDMX_AGENCY}') "
        f"FROM ({sql}) AS s (ind, terr, period, dkey, val, status, pub, owner)) "
        "TO STDOUT (FORMAT csv)"
    )
    buffer = bytearray()
    with connection.cursor() as cursor, cursor.cursor.copy(copy_sql, params) as copy:
        for data in copy:
            buffer += data
            if len(buffer) >= block:
                yield bytes(buffer)
                buffer.clear()
    if buffer:
        yield bytes(buffer)


def _python_csv(qs: QuerySet[ReleasedObservation]) -> Iterator[bytes]:
    per_indicator = _per_indicator()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # Before Python 3.12 csv.writer leaves a carriage return unquoted when lines end in LF; a
    # row holding one is written as CR-LF (which quotes it, as COPY and RFC 4180 do), then LF.
    cr_writer = csv.writer(buffer, lineterminator="\r\n")
    yield _csv_header()
    rows = _ordered(qs).values_list(
        "indicator_code",
        "territory_code",
        "period",
        "dims_key",
        "value",
        "status",
        "publication_id",
        "indicator_id",
    )
    for batch in _chunks(rows.iterator(chunk_size=CHUNK_SIZE)):
        for ind, terr, period, key, value, status, pub, ind_id in batch:
            decimals, owner = per_indicator[ind_id]
            row = (
                neutralise(ind),
                neutralise(terr),
                period,
                neutralise(key),
                _fmt(value, decimals),
                status,
                pub,
                owner,
            )
            if "\r" in ind or "\r" in terr or "\r" in key:
                cr_writer.writerow(row)
                buffer.seek(buffer.tell() - 2)
                buffer.write("\n")
                buffer.truncate()
            else:
                writer.writerow(row)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()


def stream_json(qs: QuerySet[ReleasedObservation]) -> Iterator[bytes]:
    """A JSON array of observation objects, written chunk by chunk."""
    per_indicator = _per_indicator()
    rows = _ordered(qs).values_list(
        "id",
        "indicator_code",
        "territory_code",
        "period",
        "dims",
        "value",
        "status",
        "publication_id",
        "indicator_id",
    )
    yield b"["
    first = True
    for batch in _chunks(rows.iterator(chunk_size=CHUNK_SIZE)):
        body = orjson.dumps(
            [
                {
                    "id": pk,
                    "indicator": ind,
                    "owner": per_indicator[ind_id][1],
                    "territory": terr,
                    "period": period,
                    "dims": dims,
                    "value": (
                        None if value is None else round(float(value), per_indicator[ind_id][0])
                    ),
                    "status": status,
                    "publication": pub,
                }
                for pk, ind, terr, period, dims, value, status, pub, ind_id in batch
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
    structure_id = indicator_dataflow_id(indicator)
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
