"""SDMX data queries: the key, the period and observation filters, and three streamed writers.

Rows are read in series order (territory, dimension key, frequency, period) and written as they
come, so memory stays constant: SDMX-ML 2.1 StructureSpecific, SDMX-JSON 2.0 and SDMX-CSV 2.0.
The writers are ours (string templates, orjson, csv): pysdmx and sdmx1 build a whole message
(a pandas frame or an object tree) in memory before writing a byte.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import quoteattr

import orjson
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from ..exports import CHUNK_SIZE, SDMX_VERSION, _chunks, _fmt, neutralise, sdmx_agency_id
from ..models import Indicator, ReleasedObservation
from ..periods import period_bound
from ..selectors.open_data import ObservationFilter, dims_from_key, open_observations
from ..selectors.publications import current_publication_ids
from .codes import code_labels, names, sdmx_lang, territory_labels, unit_code
from .structures import (
    AREA_LIST,
    CONCEPT_NAMES,
    FREQ_LIST,
    OBS_STATUS_LIST,
    UNIT_LIST,
    dimension_components,
    flow_id,
    urn,
)

TIME = "TIME_PERIOD"
ALL_DIMENSIONS = "AllDimensions"


class SdmxError(Exception):
    """An SDMX web-service error with its HTTP status (the standard's error codes)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class DataQuery:
    """One data query on one dataflow, parsed and checked."""

    indicator: Indicator
    key: list[list[str]]  # per key dimension: the codes asked for ([] = any)
    start: dt.date | None = None
    end: dt.date | None = None
    updated_after: dt.datetime | None = None
    first_n: int | None = None
    last_n: int | None = None
    at_observation: str = TIME
    as_of: dt.datetime | None = None
    lang: str = "en"
    key_ids: list[str] = field(default_factory=list)
    labels: str = "id"  # SDMX-CSV: id | both ("F: Female" cells and "SEX: Sex" headers)

    @property
    def series_ids(self) -> list[str]:
        """The dimensions written on the series (all but the one at the observation)."""
        if self.at_observation == ALL_DIMENSIONS:
            return []
        return [d for d in [*self.key_ids, TIME] if d != self.at_observation]


def _positive(params: Any, name: str) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    if not str(raw).isdigit() or int(raw) < 1:
        raise SdmxError(400, f"{name}={raw!r} is not a positive integer.")
    return int(raw)


def _instant(params: Any, name: str) -> dt.datetime | None:
    raw = params.get(name)
    if not raw:
        return None
    parsed = parse_datetime(raw.replace(" ", "+"))
    if parsed is None and (day := parse_date(raw)) is not None:
        parsed = dt.datetime.combine(day, dt.time())
    if parsed is None:
        raise SdmxError(400, f"{name}={raw!r} is not an ISO 8601 date or time.")
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def parse_query(indicator: Indicator, key: str, params: Any, lang: str) -> DataQuery:
    """Read the key and the query parameters; anything malformed is a 400."""
    key_ids = [c.id for c in dimension_components(indicator) if c.role == "dimension"]
    if key in ("", "*", "all"):
        parts: list[list[str]] = [[] for _ in key_ids]
    else:
        raw = key.split(".")
        if len(raw) != len(key_ids):
            raise SdmxError(
                400,
                f"The key {key!r} has {len(raw)} parts; {flow_id(indicator)} has "
                f"{len(key_ids)} dimensions ({'.'.join(key_ids)}).",
            )
        parts = [[] if p in ("", "*") else [c for c in p.split("+") if c] for p in raw]
    bounds = {}
    for name, end in (("startPeriod", False), ("endPeriod", True)):
        value = params.get(name)
        bounds[name] = period_bound(value[:10] if value and len(value) == 10 else value, end=end)
        if value and bounds[name] is None:
            raise SdmxError(400, f"{name}={value!r} is not a period (2024, 2024-Q1, 2024-03).")
    at_obs = params.get("dimensionAtObservation") or TIME
    if at_obs not in (TIME, ALL_DIMENSIONS):
        if at_obs in key_ids:
            raise SdmxError(501, f"dimensionAtObservation={at_obs} is not implemented.")
        raise SdmxError(400, f"dimensionAtObservation={at_obs!r} is not a dimension.")
    if params.get("includeHistory", "false").lower() == "true":
        raise SdmxError(501, "includeHistory is not implemented; use asOf for a past version.")
    query = DataQuery(
        indicator=indicator,
        key=parts,
        start=bounds["startPeriod"],
        end=bounds["endPeriod"],
        updated_after=_instant(params, "updatedAfter"),
        first_n=_positive(params, "firstNObservations"),
        last_n=_positive(params, "lastNObservations"),
        at_observation=at_obs,
        as_of=_instant(params, "asOf"),
        lang=lang,
        key_ids=key_ids,
    )
    labels = (params.get("labels") or "id").lower()
    if labels not in ("id", "both"):
        raise SdmxError(400, f"labels={labels!r}: use id or both.")
    query.labels = labels
    if query.as_of and query.as_of > timezone.now():
        query.as_of = None  # the future is not public yet: the current version answers
    return query


def observations(query: DataQuery) -> QuerySet[ReleasedObservation]:
    """The released values the query selects: latest public version (or the one at asOf)."""
    indicator = query.indicator
    publication_ids = current_publication_ids(now=query.as_of, indicator_id=indicator.pk)
    freq, area, *dims = query.key
    filters = ObservationFilter(
        territories=area,
        period_from=query.start,
        period_to=query.end,
        dims={d: codes for d, codes in zip(indicator.dimension_ids, dims, strict=True) if codes},
    )
    qs = open_observations(
        filters=filters, indicator_id=indicator.pk, publication_ids=publication_ids
    )
    if freq:
        qs = qs.filter(period_type__in=freq)
    if query.updated_after:
        qs = qs.filter(publication__release_at__gt=query.updated_after)
    return qs


Row = tuple[tuple[str, ...], str, str, str]  # (key codes, period, value text, status)


def rows(query: DataQuery, qs: QuerySet[ReleasedObservation]) -> Iterator[Row]:
    """(key, period, value, status) in series order, first/last N per series applied."""
    dims = query.indicator.dimension_ids
    decimals = query.indicator.decimals
    cache: dict[str, dict[str, str]] = {}
    raw = qs.order_by("territory_code", "dims_key", "period_type", "period_start").values_list(
        "period_type", "territory_code", "dims_key", "period", "value", "status"
    )
    current: tuple[str, ...] | None = None
    kept: deque[Row] = deque(maxlen=query.last_n)
    count = 0
    for batch in _chunks(raw.iterator(chunk_size=CHUNK_SIZE)):
        for freq, terr, dkey, period, value, status in batch:
            values = dims_from_key(dkey, cache)
            key = (freq, terr, *[values.get(d, "") for d in dims])
            if key != current:
                yield from kept
                kept.clear()
                current, count = key, 0
            count += 1
            if query.first_n is not None and count > query.first_n:
                continue
            row = (key, period, _fmt(value, decimals), status)
            if query.last_n is None:
                yield row
            else:
                kept.append(row)
    yield from kept


def _header_id() -> str:
    return f"IREF{timezone.now():%Y%m%d%H%M%S%f}"


# --- SDMX-CSV 2.0 ------------------------------------------------------------------------------


def write_csv(query: DataQuery, qs: QuerySet[ReleasedObservation]) -> Iterator[bytes]:
    """SDMX-CSV 2.0: STRUCTURE, STRUCTURE_ID, ACTION, the key, TIME_PERIOD, measure, status.

    A value without a figure (suppressed, missing) is written NaN, the SDMX 3 mark of an
    intentionally missing numeric value, so readers parse the column as numbers.
    """
    indicator = query.indicator
    structure_id = f"{sdmx_agency_id(indicator)}:{flow_id(indicator)}({SDMX_VERSION})"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = [*query.key_ids, TIME, "OBS_VALUE", "OBS_STATUS"]
    both = query.labels == "both"
    if both:
        from .labels import Labeller

        labeller = Labeller(query.lang)
        # The territory is REF_AREA's code list; the other key columns name their concept.
        columns = [f"{c}: {labeller.concept(c)}" for c in columns]
    writer.writerow(["STRUCTURE", "STRUCTURE_ID", "ACTION", *columns])
    for batch in _chunks(rows(query, qs)):
        if both:
            batch = [
                (
                    tuple(
                        f"{k}: {labeller.territory(k) if i == 'REF_AREA' else labeller.code(i, k)}"
                        for i, k in zip(query.key_ids, key, strict=True)
                    ),
                    period,
                    value,
                    f"{status}: {labeller.status(status)}",
                )
                for key, period, value, status in batch
            ]
        writer.writerows(
            (
                "dataflow",
                structure_id,
                "I",
                *[neutralise(k) for k in key],
                period,
                value or "NaN",
                status,
            )
            for key, period, value, status in batch
        )
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()


# --- SDMX-ML 2.1 StructureSpecific -------------------------------------------------------------

NS = {
    "message": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
    "common": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
    "ss": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}


def write_xml(query: DataQuery, qs: QuerySet[ReleasedObservation]) -> Iterator[bytes]:
    """A StructureSpecificData message: one DataSet, Series (or flat Obs) as rows stream."""
    indicator = query.indicator
    agency = sdmx_agency_id(indicator)
    flow = flow_id(indicator)
    level = query.at_observation
    namespace = f"{urn('dataflow', agency, flow, SDMX_VERSION)}:ObsLevelDim:{level}"
    ref = f"{agency}_{flow}_{SDMX_VERSION.replace('.', '_')}"
    xmlns = " ".join(f'xmlns:{p}="{u}"' for p, u in NS.items())
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<message:StructureSpecificData {xmlns} xmlns:ns1={quoteattr(namespace)}>"
        f"<message:Header><message:ID>{_header_id()}</message:ID><message:Test>false</message:Test>"
        f"<message:Prepared>{timezone.now().isoformat(timespec='seconds')}</message:Prepared>"
        f"<message:Sender id={quoteattr(agency)}/>"
        f"<message:Structure structureID={quoteattr(ref)} namespace={quoteattr(namespace)} "
        f"dimensionAtObservation={quoteattr(level)}><common:StructureUsage>"
        f'<Ref agencyID={quoteattr(agency)} id={quoteattr(flow)} version="{SDMX_VERSION}"/>'
        "</common:StructureUsage></message:Structure></message:Header>"
        f'<message:DataSet ss:dataScope="DataStructure" xsi:type="ns1:DataSetType" '
        f'ss:structureRef={quoteattr(ref)} action="Information" '
        f"UNIT_MEASURE={quoteattr(unit_code(indicator.unit))}>"
    ).encode()
    ids = query.key_ids
    flat = level == ALL_DIMENSIONS
    parts: list[str] = []
    current: tuple[str, ...] | None = None
    for batch in _chunks(rows(query, qs)):
        for key, period, value, status in batch:
            measure = f" OBS_VALUE={quoteattr(value)}" if value else ""
            if flat:
                dims = "".join(f" {i}={quoteattr(k)}" for i, k in zip(ids, key, strict=True))
                parts.append(
                    f"<Obs{dims} TIME_PERIOD={quoteattr(period)}{measure} OBS_STATUS={quoteattr(status)}/>"
                )
                continue
            if key != current:
                if current is not None:
                    parts.append("</Series>")
                dims = "".join(f" {i}={quoteattr(k)}" for i, k in zip(ids, key, strict=True))
                parts.append(f"<Series{dims}>")
                current = key
            parts.append(
                f"<Obs TIME_PERIOD={quoteattr(period)}{measure} OBS_STATUS={quoteattr(status)}/>"
            )
        yield "".join(parts).encode()
        parts.clear()
    tail = "</Series>" if current is not None else ""
    yield f"{tail}</message:DataSet></message:StructureSpecificData>".encode()


# --- SDMX-JSON 2.0 -----------------------------------------------------------------------------

JSON_DATA_SCHEMA = (
    "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/develop/data-message/tools/schemas/"
    "2.0.0/sdmx-json-data-schema.json"
)


def write_json(query: DataQuery, qs: QuerySet[ReleasedObservation]) -> Iterator[bytes]:
    """A SDMX-JSON 2.0 data message; the structure lists every code the key can take.

    Listing the whole code lists (not only the codes present) lets the series stream: the
    positions are known before the first row is read. Periods are read first, one query.
    """
    indicator = query.indicator
    lang = query.lang
    agency = sdmx_agency_id(indicator)
    flow = flow_id(indicator)
    lists = {"FREQ": FREQ_LIST, "REF_AREA": AREA_LIST}
    lists.update({d.upper(): f"CL_{d.upper()}" for d in indicator.dimension_ids})
    code_values: dict[str, list[tuple[str, str]]] = {}
    for dim_id, list_id in lists.items():
        labels = territory_labels(lang=lang) if list_id == AREA_LIST else code_labels(list_id, lang)
        declared = (indicator.dimensions or {}).get(dim_id.lower())
        codes = [str(c) for c in declared] if declared else list(labels)
        if dim_id == "REF_AREA":
            codes = sorted(qs.order_by().values_list("territory_code", flat=True).distinct())
        code_values[dim_id] = [(c, labels.get(c, c)) for c in codes]
    # order_by() first: the model's default ordering would make DISTINCT run over every row.
    periods = sorted(qs.order_by().values_list("period", flat=True).distinct())
    code_values[TIME] = [(p, p) for p in periods]
    status_labels = code_labels(OBS_STATUS_LIST, lang)
    statuses = list(status_labels) or [s for s in "ABCDEFIMNOPSUV"]
    status_pos = {s: i for i, s in enumerate(statuses)}
    position = {d: {c: i for i, (c, _n) in enumerate(v)} for d, v in code_values.items()}

    all_ids = [*query.key_ids, TIME]
    obs_ids = all_ids if query.at_observation == ALL_DIMENSIONS else [TIME]
    series_ids = [d for d in all_ids if d not in obs_ids]

    def dimension(dim_id: str) -> dict[str, Any]:
        return {
            "id": dim_id,
            "name": CONCEPT_NAMES.get(dim_id, {}).get(lang) or dim_id,
            "keyPosition": all_ids.index(dim_id),
            "roles": [dim_id] if dim_id in ("FREQ", "REF_AREA", TIME) else [],
            "values": [{"id": c, "name": n} for c, n in code_values[dim_id]],
        }

    unit = unit_code(indicator.unit)
    structure = {
        "links": [{"rel": "dataflow", "urn": urn("dataflow", agency, flow, SDMX_VERSION)}],
        "name": names(indicator).get(sdmx_lang(lang)) or indicator.name_en,
        "names": names(indicator),
        "dimensions": {
            "dataSet": [],
            "series": [dimension(d) for d in series_ids],
            "observation": [dimension(d) for d in obs_ids],
        },
        "measures": {
            "observation": [{"id": "OBS_VALUE", "name": CONCEPT_NAMES["OBS_VALUE"][lang]}]
        },
        "attributes": {
            "dataSet": [
                {
                    "id": "UNIT_MEASURE",
                    "name": CONCEPT_NAMES["UNIT_MEASURE"][lang],
                    "relationship": {"dataflow": {}},
                    "values": [{"id": unit, "name": code_labels(UNIT_LIST, lang).get(unit, unit)}],
                }
            ],
            "series": [],
            "observation": [
                {
                    "id": "OBS_STATUS",
                    "name": CONCEPT_NAMES["OBS_STATUS"][lang],
                    "relationship": {"observation": {}},
                    "values": [{"id": s, "name": status_labels.get(s, s)} for s in statuses],
                }
            ],
        },
    }
    meta = {
        "schema": JSON_DATA_SCHEMA,
        "id": _header_id(),
        "test": False,
        "prepared": timezone.now().isoformat(timespec="seconds"),
        "contentLanguages": [lang],
        "sender": {"id": agency},
    }
    head = orjson.dumps({"meta": meta, "data": {"structures": [structure]}})
    # …"structures":[…]}} → open the dataSets array after the structures
    links = orjson.dumps([{"rel": "dataflow", "urn": urn("dataflow", agency, flow, SDMX_VERSION)}])
    yield (
        head[:-2]
        + b',"dataSets":[{"structure":0,"action":"Information","attributes":[0],"links":'
        + links
        + b","
    )
    yield b'"observations":{' if not series_ids else b'"series":{'
    first = True
    current: str | None = None
    parts: list[bytes] = []
    for batch in _chunks(rows(query, qs)):
        for key, period, value, status in batch:
            coords = [*key, period]
            pos = [str(position[d].get(c, 0)) for d, c in zip(all_ids, coords, strict=True)]
            obs = orjson.dumps([float(value) if value else None, status_pos.get(status)])
            if not series_ids:
                parts.append(b"" if first else b",")
                parts.append(orjson.dumps(":".join(pos)) + b":" + obs)
                first = False
                continue
            series_key = ":".join(pos[:-1])
            if series_key != current:
                parts.append(b"" if current is None else b"}},")
                parts.append(orjson.dumps(series_key) + b':{"attributes":[],"observations":{')
                current = series_key
                obs_first = True
            parts.append((b"" if obs_first else b",") + orjson.dumps(pos[-1]) + b":" + obs)
            obs_first = False
        yield b"".join(parts)
        parts.clear()
    if series_ids and current is not None:
        yield b"}}"
    yield b"}}]}}"
