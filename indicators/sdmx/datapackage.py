"""A Frictionless Data Package of one public indicator: datapackage.json, the values as CSV
with a Table Schema, and one CSV resource per code list the values' foreign keys point at."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import orjson
from django.conf import settings

from ..exports import neutralise
from ..models import Indicator
from ..urls_public import indicator_page_url
from .data import DataQuery, observations, rows
from .metadata import metadata_report
from .structures import build, dimension_components

CODE_FIELDS = ["code", "name_en", "name_sr_latn", "name_sr_cyrl", "parent"]
TAGS = {"name_en": "en", "name_sr_latn": "sr-Latn", "name_sr_cyrl": "sr-Cyrl"}


def _resource_name(list_id: str) -> str:
    return list_id.lower()


def package_descriptor(indicator: Indicator, lists: list[str]) -> dict[str, Any]:
    """datapackage.json: the observations resource, its schema, and the code-list resources."""
    key = [c for c in dimension_components(indicator) if c.role == "dimension"]
    fields: list[dict[str, Any]] = [
        {"name": c.id, "type": "string", "constraints": {"required": True}} for c in key
    ]
    fields += [
        {"name": "TIME_PERIOD", "type": "string", "constraints": {"required": True}},
        {"name": "OBS_VALUE", "type": "number", "description": "Empty when suppressed or missing"},
        {"name": "OBS_STATUS", "type": "string", "constraints": {"required": True}},
    ]
    foreign = [(c.id, c.codelist) for c in key] + [("OBS_STATUS", "CL_OBS_STATUS")]
    code_schema = {
        "fields": [{"name": f, "type": "string"} for f in CODE_FIELDS],
        "primaryKey": ["code"],
        "missingValues": [""],
    }
    site = settings.SITE_URL
    return {
        "name": indicator.code.lower().replace("_", "-"),
        "title": indicator.name_en,
        "description": indicator.description or indicator.methodology,
        "homepage": site + indicator_page_url(indicator),
        "version": "1.0.0",
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": settings.DDMS_DATA_LICENCE_URL,
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "keywords": [indicator.topic, *[f"SDG {s}" for s in indicator.sdg_targets or []]],
        "sources": [
            {
                "title": "SDMX dataflow",
                "path": f"{site}/sdmx/dataflow/DDMS/DF_{indicator.code.upper()}/1.0.0",
            }
        ],
        "x_reference_metadata": "metadata.json",
        "resources": [
            {
                "name": "observations",
                "path": "observations.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": fields,
                    "missingValues": [""],
                    "primaryKey": [f["name"] for f in fields[: len(key) + 1]],
                    "foreignKeys": [
                        {
                            "fields": column,
                            "reference": {"resource": _resource_name(list_id), "fields": "code"},
                        }
                        for column, list_id in foreign
                        if list_id in lists
                    ],
                },
            },
            *[
                {
                    "name": _resource_name(list_id),
                    "path": f"codelists/{list_id}.csv",
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": code_schema,
                }
                for list_id in lists
            ],
        ],
    }


def _csv(header: list[str], body: Any) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    return buffer.getvalue().encode()


def datapackage_zip(indicator: Indicator) -> bytes:
    """The zipped package of the indicator's current public values (built in a temp buffer)."""
    artefacts = build([indicator])
    wanted = {c.codelist for d in artefacts.datastructure for c in d.components if c.codelist}
    schemes = {s.id: s for s in artefacts.codelist if s.id in wanted}
    lists = sorted(schemes)
    query = DataQuery(
        indicator=indicator,
        key=[[] for _ in range(len(indicator.dimension_ids) + 2)],
        key_ids=[c.id for c in dimension_components(indicator) if c.role == "dimension"],
    )
    descriptor = package_descriptor(indicator, lists)
    header = [f["name"] for f in descriptor["resources"][0]["schema"]["fields"]]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", orjson.dumps(descriptor, option=orjson.OPT_INDENT_2))
        archive.writestr(
            "observations.csv",
            _csv(
                header,
                (
                    (*[neutralise(k) for k in key], period, value, status)
                    for key, period, value, status in rows(query, observations(query))
                ),
            ),
        )
        for list_id in lists:
            archive.writestr(
                f"codelists/{list_id}.csv",
                _csv(
                    CODE_FIELDS,
                    (
                        (
                            item.id,
                            *[item.names.get(tag, "") for tag in TAGS.values()],
                            item.parent,
                        )
                        for item in schemes[list_id].items
                    ),
                ),
            )
        archive.writestr(
            "metadata.json", orjson.dumps(metadata_report(indicator), option=orjson.OPT_INDENT_2)
        )
    return out.getvalue()
