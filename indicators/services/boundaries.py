"""Territory boundaries: a GeoJSON FeatureCollection, validated and simplified, all or nothing."""

from __future__ import annotations

import json
from typing import Any

import shapely
from django.db import transaction
from shapely.geometry import mapping, shape

from ddms_platform.core.audit import audit_record
from ddms_platform.core.errors import DomainError
from ddms_platform.core.permissions import require_nsi_staff

from ..models import Territory
from .territories import territory_country_for

# Degrees: about 100 m at Serbia's latitude, plenty for a city map on a phone.
DEFAULT_TOLERANCE = 0.001
COORDINATE_DECIMALS = 5
MAX_REPORTED_ERRORS = 100


def _rounded(coords: Any) -> Any:
    if isinstance(coords, (int, float)):
        return round(float(coords), COORDINATE_DECIMALS)
    return [_rounded(c) for c in coords]


def boundary_clean(geometry: Any, *, tolerance: float = DEFAULT_TOLERANCE) -> dict[str, Any]:
    """A valid, simplified (Multi)Polygon in WGS 84 as a GeoJSON geometry; ValueError if not."""
    try:
        geom = shape(geometry)
    except Exception as exc:  # noqa: BLE001 - shapely raises several types for bad input
        raise ValueError(f"not a GeoJSON geometry ({exc})") from exc
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"a boundary must be a Polygon or MultiPolygon, not {geom.geom_type}")
    if geom.is_empty:
        raise ValueError("the geometry is empty")
    if not geom.is_valid:
        raise ValueError(f"invalid geometry: {shapely.is_valid_reason(geom)}")
    minx, miny, maxx, maxy = geom.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise ValueError("coordinates are not longitude/latitude (WGS 84)")
    simple = geom.simplify(tolerance, preserve_topology=True)
    if simple.is_empty or not simple.is_valid:
        simple = geom
    cleaned = mapping(simple)
    return {"type": cleaned["type"], "coordinates": _rounded(cleaned["coordinates"])}


@transaction.atomic
def boundaries_import(
    *,
    actor: Any,
    data: bytes,
    source: str,
    tolerance: float = DEFAULT_TOLERANCE,
    country: Any = None,
) -> dict[str, int]:
    """Set the boundary of each territory of one country named by a feature's `code` (codes are
    unique per country); any bad feature rejects all."""
    require_nsi_staff(actor)
    country = territory_country_for(actor, country)
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DomainError(
            f"The boundary file is not UTF-8 JSON: {exc}", code="invalid_json"
        ) from exc
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise DomainError("The boundary file must be a GeoJSON FeatureCollection.", code="invalid")
    features = collection.get("features") or []
    codes = [str((f.get("properties") or {}).get("code", "")) for f in features]
    territories = {t.code: t for t in Territory.objects.filter(country=country, code__in=codes)}
    errors: list[dict[str, Any]] = []
    cleaned: dict[str, dict[str, Any]] = {}
    for number, (feature, code) in enumerate(zip(features, codes, strict=True), start=1):

        def fail(note: str, number: int = number, code: str = code) -> None:
            errors.append({"featureNumber": number, "code": code, "note": note})

        if not code:
            fail("the feature has no properties.code")
        elif code not in territories:
            fail("no territory has this code")
        elif code in cleaned:
            fail("a second boundary for the same territory")
        else:
            try:
                cleaned[code] = boundary_clean(feature.get("geometry"), tolerance=tolerance)
            except ValueError as exc:
                fail(str(exc))
    if errors:
        raise DomainError(
            f"{len(errors)} feature(s) rejected; nothing was imported.",
            code="invalid_boundaries",
            errors=errors[:MAX_REPORTED_ERRORS],
        )
    for code, geometry in cleaned.items():
        territory = territories[code]
        territory.boundary = geometry
        territory.boundary_source = source
        territory.save(update_fields=["boundary", "boundary_source", "updated_at"])
        audit_record(
            actor=actor,
            action="territory.boundary",
            obj=territory,
            after={"boundary_source": source, "type": geometry["type"]},
        )
    return {"imported": len(cleaned)}
