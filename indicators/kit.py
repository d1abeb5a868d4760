"""The pilot replication kit as a Frictionless Data Package: writing and reading it.

A kit holds a pilot's reusable definitions, never its data: indicators with their dimensions
and code lists, request templates with their Table Schemas, the policy and target structure,
a communication-plan skeleton and agreement templates. `datapackage.json` describes seven
resources (JSON and CSV files) in one zip. See docs/network.md.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from ddms_platform.core.errors import DomainError
from partnerships.choices import RequestDirection
from partnerships.models import (
    Agreement,
    CommunicationPlan,
    DataRequest,
    Organisation,
    Pilot,
    Policy,
    PolicyTarget,
)

from .models import Indicator, KitImport, Publication
from .services.network import ADOPTED_FIELDS

KIT_VERSION = 1
MAX_KIT_BYTES = 5 * 1024 * 1024
INDICATOR_KEYS = ("code", *ADOPTED_FIELDS)
REQUEST_KEYS = ("title", "purpose", "legal_basis", "frequency", "table_schema", "dialect")
POLICY_KEYS = ("name", "kind", "description", "url")
TARGET_KEYS = (
    "indicator_code",
    "direction",
    "target_value",
    "target_year",
    "baseline_value",
    "baseline_year",
)
PLAN_KEYS = ("title", "objectives", "audiences", "key_messages")
ACTIVITY_KEYS = ("offset_days", "kind", "title", "audience", "location")
AGREEMENT_KEYS = ("title", "type", "domains", "goals", "nsi_resources", "renewal_notice_days")
CODE_LIST_FIELDS = ("indicator", "dimension", "position", "code")

# name, file, keys of each JSON resource
JSON_RESOURCES = (
    ("indicators", "indicators.json"),
    ("request-templates", "request_templates.json"),
    ("policies", "policies.json"),
    ("communication-plans", "communication_plans.json"),
    ("agreement-templates", "agreement_templates.json"),
)
CODE_LISTS = ("code-lists", "code_lists.csv")
DEFINITIONS = tuple(name for name, _path in JSON_RESOURCES)


def _decimal(value: Any) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def pilot_nsi(pilot: Pilot) -> Organisation:
    """The NSI a pilot belongs to (a regional office's pilot belongs to its parent NSI)."""
    nsi = pilot.nsi
    return nsi.parent if nsi.kind != "nsi" and nsi.parent is not None else nsi


def pilot_agency(pilot: Pilot) -> str:
    """The SDMX agency of the pilot's NSI (its short name when it has none)."""
    nsi = pilot_nsi(pilot)
    return str(nsi.agency_id or nsi.short_name or nsi.name)


def own_indicators(pilot: Pilot) -> QuerySet[Indicator]:
    """The indicators that may belong to the pilot: those of its country's NSI."""
    return Indicator.objects.filter(owner__country_id=pilot.country_id)


def pilot_indicators(pilot: Pilot) -> list[Indicator]:
    """The indicators a pilot uses: named by its targets, released for it, or imported into it."""
    codes = PolicyTarget.objects.filter(policy__pilot=pilot).values("indicator_code")
    released = Publication.objects.filter(pilot=pilot).values("indicators")
    imported = KitImport.objects.filter(pilot=pilot).values("indicators")
    condition = Q(code__in=codes) | Q(pk__in=released) | Q(pk__in=imported)
    return list(own_indicators(pilot).filter(condition).order_by("code"))


def _indicator(row: Indicator) -> dict[str, Any]:
    return {key: getattr(row, key) for key in INDICATOR_KEYS}


def _request_templates(pilot: Pilot) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    rows = DataRequest.objects.filter(pilot=pilot, direction=RequestDirection.ACQUISITION).order_by(
        "created_at", "id"
    )
    for row in rows:
        if row.table_schema and row.title not in seen:
            seen[row.title] = {key: getattr(row, key) for key in REQUEST_KEYS}
    return [seen[title] for title in sorted(seen)]


def _policies(pilot: Pilot) -> list[dict[str, Any]]:
    out = []
    for policy in Policy.objects.filter(pilot=pilot).prefetch_related("targets").order_by("name"):
        item = {key: getattr(policy, key) for key in POLICY_KEYS}
        targets = sorted(
            policy.targets.all(), key=lambda t: (t.indicator_code, t.target_year, t.direction)
        )
        item["targets"] = [
            {
                "indicator_code": t.indicator_code,
                "direction": t.direction,
                "target_value": _decimal(t.target_value),
                "target_year": t.target_year,
                "baseline_value": _decimal(t.baseline_value),
                "baseline_year": t.baseline_year,
            }
            for t in targets
        ]
        out.append(item)
    return out


def _plans(pilot: Pilot) -> list[dict[str, Any]]:
    out = []
    plans = CommunicationPlan.objects.filter(pilot=pilot).prefetch_related("activities")
    for plan in plans.order_by("title"):
        item = {key: getattr(plan, key) for key in PLAN_KEYS}
        activities = list(plan.activities.all())
        start = min((a.starts_at.date() for a in activities), default=None)
        skeleton = [
            {
                "offset_days": (a.starts_at.date() - start).days if start else 0,
                "kind": a.kind,
                "title": a.title,
                "audience": a.audience,
                "location": a.location,
            }
            for a in activities
        ]
        item["activities"] = sorted(
            skeleton, key=lambda a: (a["offset_days"], a["kind"], a["title"])
        )
        out.append(item)
    return out


def _agreements(pilot: Pilot) -> list[dict[str, Any]]:
    rows = Agreement.objects.filter(pilots=pilot).order_by("title", "id")
    return [{key: getattr(row, key) for key in AGREEMENT_KEYS} for row in rows]


def kit_definitions(pilot: Pilot) -> dict[str, list[dict[str, Any]]]:
    """The pilot's reusable definitions, each resource sorted so that equal kits are equal."""
    return {
        "indicators": [_indicator(row) for row in pilot_indicators(pilot)],
        "request-templates": _request_templates(pilot),
        "policies": _policies(pilot),
        "communication-plans": _plans(pilot),
        "agreement-templates": _agreements(pilot),
    }


def code_list_rows(indicators: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (indicator, dimension, code), in key and code-list order."""
    return [
        {"indicator": ind["code"], "dimension": dim, "position": pos, "code": code}
        for ind in indicators
        for dim, codes in (ind.get("dimensions") or {}).items()
        for pos, code in enumerate(codes, start=1)
    ]


def _json_resource(name: str, path: str, title: str) -> dict[str, Any]:
    return {
        "name": name,
        "path": path,
        "title": title,
        "format": "json",
        "mediatype": "application/json",
        "encoding": "utf-8",
        "profile": "data-resource",
    }


RESOURCE_TITLES = {
    "indicators": "Indicators with their dimensions and code lists",
    "request-templates": "Data request templates with their Table Schemas and CSV dialects",
    "policies": "Policies and their numeric targets",
    "communication-plans": "Communication-plan skeleton (activities as days from the first)",
    "agreement-templates": "Partnership agreement templates",
    "code-lists": "Code lists of the indicators' dimensions",
}


def descriptor(pilot: Pilot, agency: str) -> dict[str, Any]:
    """The `datapackage.json` of a pilot's kit."""
    resources = [_json_resource(name, path, RESOURCE_TITLES[name]) for name, path in JSON_RESOURCES]
    resources.append(
        {
            "name": CODE_LISTS[0],
            "path": CODE_LISTS[1],
            "title": RESOURCE_TITLES["code-lists"],
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "profile": "tabular-data-resource",
            "schema": {
                "fields": [
                    {"name": "indicator", "type": "string", "constraints": {"required": True}},
                    {"name": "dimension", "type": "string", "constraints": {"required": True}},
                    {"name": "position", "type": "integer", "constraints": {"minimum": 1}},
                    {"name": "code", "type": "string", "constraints": {"required": True}},
                ],
                "primaryKey": ["indicator", "dimension", "code"],
            },
        }
    )
    return {
        "profile": "data-package",
        "name": f"ddms-kit-{slugify(pilot.name)[:60] or pilot.pk}",
        "title": f"Replication kit: {pilot.name}",
        "version": f"{KIT_VERSION}.0.0",
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "sources": [{"title": f"{agency}: pilot {pilot.name} ({pilot.city})"}],
        "ddms:kit": {"version": KIT_VERSION, "agency": agency, "city": pilot.city},
        "resources": resources,
    }


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False).encode()


def kit_files(pilot: Pilot, agency: str) -> dict[str, bytes]:
    """Every file of the kit by its path in the package."""
    definitions = kit_definitions(pilot)
    files = {"datapackage.json": _json_bytes(descriptor(pilot, agency))}
    for name, path in JSON_RESOURCES:
        files[path] = _json_bytes(definitions[name])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CODE_LIST_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(code_list_rows(definitions["indicators"]))
    files[CODE_LISTS[1]] = out.getvalue().encode()
    return files


def kit_zip(pilot: Pilot, agency: str) -> bytes:
    """The kit as one zip (what the download and the API answer)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in kit_files(pilot, agency).items():
            archive.writestr(path, data)
    return buffer.getvalue()


def _invalid(where: str, message: str) -> DomainError:
    return DomainError(
        f"The replication kit is not usable: {where}: {message}",
        code="invalid_kit",
        fields={where: [message]},
    )


def read_kit(data: bytes) -> tuple[dict[str, Any], str]:
    """Read an uploaded kit (zip) into {resource name: rows} and its SHA-256.

    Errors name the file and the row; nothing is written here.
    """
    if len(data) > MAX_KIT_BYTES:
        raise _invalid("file", f"larger than {MAX_KIT_BYTES} bytes")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise _invalid("file", "not a zip file holding datapackage.json") from None
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_KIT_BYTES * 4:
        raise _invalid("file", "the unpacked files are too large")

    def load_json(path: str) -> Any:
        if path not in names:
            raise _invalid(path, "missing from the package")
        try:
            return json.loads(archive.read(path).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _invalid(path, f"not UTF-8 JSON ({exc})") from None

    meta = load_json("datapackage.json")
    if not isinstance(meta, dict) or not isinstance(meta.get("resources"), list):
        raise _invalid("datapackage.json", "not a Data Package descriptor with resources")
    kit_meta = meta.get("ddms:kit")
    if not isinstance(kit_meta, dict) or kit_meta.get("version") != KIT_VERSION:
        raise _invalid("datapackage.json", f"not a DDMS replication kit version {KIT_VERSION}")
    paths = {r.get("name"): r.get("path") for r in meta["resources"] if isinstance(r, dict)}
    kit: dict[str, Any] = {}
    for name, default_path in JSON_RESOURCES:
        path = paths.get(name) or default_path
        rows = load_json(str(path))
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise _invalid(str(path), "must be a list of objects")
        kit[name] = rows
    kit["meta"] = {
        "name": meta.get("name", ""),
        "title": meta.get("title", ""),
        "agency": kit_meta.get("agency", ""),
        "city": kit_meta.get("city", ""),
    }
    _check_code_lists(archive, names, str(paths.get(CODE_LISTS[0]) or CODE_LISTS[1]), kit)
    return kit, hashlib.sha256(data).hexdigest()


def _check_code_lists(
    archive: zipfile.ZipFile, names: set[str], path: str, kit: dict[str, Any]
) -> None:
    """The CSV code lists must say what the indicators' dimensions say."""
    if path not in names:
        raise _invalid(path, "missing from the package")
    try:
        text = archive.read(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _invalid(path, "not UTF-8") from None
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or list(reader.fieldnames) != list(CODE_LIST_FIELDS):
        raise _invalid(path, f"the header must be {','.join(CODE_LIST_FIELDS)}")
    expected = {
        (r["indicator"], r["dimension"], str(r["position"]), r["code"])
        for r in code_list_rows(
            i for i in kit["indicators"] if isinstance(i.get("dimensions"), dict)
        )
    }
    seen = set()
    for number, row in enumerate(reader, start=2):
        key = (row["indicator"], row["dimension"], row["position"], row["code"])
        if key not in expected:
            raise _invalid(
                path,
                f"row {number}: {row['indicator']}/{row['dimension']}={row['code']} is not in "
                "indicators.json",
            )
        seen.add(key)
    missing = expected - seen
    if missing:
        ind, dim, _pos, code = sorted(missing)[0]
        raise _invalid(path, f"{ind}/{dim}={code} of indicators.json is missing")
