"""Scalar readers for the Table Schema types read per distinct value, as frictionless 5.21.

Each reader takes the cell text and returns the value, or None when the cell is not of the
type. They use the libraries frictionless uses (``isodate``, ``validators``, ``rfc3986``,
``jsonschema`` with the GeoJSON/TopoJSON profiles it ships, copied to ``profiles/``), so a
cell is valid here exactly when it is valid there.
"""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from .schema import Field

PROFILES = Path(__file__).with_name("profiles")


class ItemNotes(NamedTuple):
    """An array whose items broke the ``arrayItem`` field's rules: the value and the notes.

    ``type`` is the item type note (a type error of the cell) or None; ``constraints`` are
    the item constraint notes (each a constraint error of the cell).
    """

    value: list[Any]
    type: str | None
    constraints: tuple[str, ...]


def read_yearmonth(field: Field, cell: str) -> int | None:
    """``YYYY-MM`` as a month count (year * 12 + month - 1), so it sorts and compares."""
    try:
        year_text, month_text = cell.split("-")
        year, month = int(year_text), int(month_text)
    except Exception:
        return None
    if month < 1 or month > 12:
        return None
    return year * 12 + month - 1


def read_duration(field: Field, cell: str) -> Any:
    import isodate

    try:
        return isodate.parse_duration(cell)
    except Exception:
        return None


def read_geopoint(field: Field, cell: str) -> tuple[Decimal, Decimal] | None:
    try:
        if field.format == "default":
            lon, lat = cell.split(",")
            lon, lat = lon.strip(), lat.strip()
        elif field.format == "array":
            lon, lat = json.loads(cell)
        else:
            obj = json.loads(cell)
            if len(obj) != 2:
                return None
            lon, lat = obj["lon"], obj["lat"]
        point = (Decimal(lon), Decimal(lat))
    except Exception:
        return None
    return geopoint_checked(point)


def geopoint_checked(point: Any) -> tuple[Decimal, Decimal] | None:
    """A (lon, lat) pair within range, or None (also for constraint values given as lists)."""
    try:
        lon, lat = point
        if lon > 180 or lon < -180 or lat > 90 or lat < -90:
            return None
    except Exception:
        return None
    return (lon, lat)


@cache
def _geo_validator(fmt: str) -> Any:
    from jsonschema.validators import validator_for

    name = "topojson.json" if fmt == "topojson" else "geojson.json"
    profile = json.loads((PROFILES / name).read_text(encoding="utf-8"))
    return validator_for(profile)(profile)


def read_geojson(field: Field, cell: str) -> dict[str, Any] | None:
    try:
        value = json.loads(cell)
    except Exception:
        return None
    if not isinstance(value, dict):
        return None
    try:
        _geo_validator(field.format).validate(value)
    except Exception:
        return None
    return value


def read_object(field: Field, cell: str) -> dict[str, Any] | None:
    try:
        value = json.loads(cell)
    except Exception:
        return None
    return value if isinstance(value, dict) else None


def read_array(field: Field, cell: str) -> list[Any] | ItemNotes | None:
    try:
        value = json.loads(cell)
    except Exception:
        return None
    if not isinstance(value, list):
        return None
    if field.array_item is None:
        return value
    return _read_items(field, field.array_item, value)


def _read_items(field: Field, item: Field, value: list[Any]) -> list[Any] | ItemNotes:
    """Each element through the item field's rules, as frictionless's array cell reader.

    The array's own constraints come first (a cell failing them is not read further), so
    they are checked here too and, when they fail, the array is returned unread.
    """
    from .casting import read_scalar

    for name in ("minLength", "maxLength"):
        bound = field.constraints.get(name)
        if bound is not None and (
            len(value) < bound if name == "minLength" else len(value) > bound
        ):
            return value
    type_note = None
    constraint_notes: dict[str, str] = {}
    for element in value:
        if element is None or str(element) in item.missing_values:
            parsed = None
        else:
            parsed = read_scalar(item, element) if isinstance(element, str) else element
            if parsed is None:
                type_note = f'array item type is "{item.type}/{item.format}"'
                continue
        for name in item.active_constraints:
            if not _item_satisfies(item, name, parsed):
                constraint_notes[name] = (
                    f'array item constraint "{name}" is "{item.constraints[name]}"'
                )
    if type_note is None and not constraint_notes:
        return value
    return ItemNotes(value, type_note, tuple(constraint_notes.values()))


def _item_satisfies(item: Field, name: str, value: Any) -> bool:
    from .casting import read_scalar

    constraint = item.constraints[name]
    if name == "required":
        return not (constraint and value is None)
    if value is None:
        return True
    try:
        if name == "minLength":
            return len(value) >= constraint
        if name == "maxLength":
            return len(value) <= constraint
        if name == "pattern":
            import re

            return re.match(f"^{constraint}$", value) is not None
        if name == "enum":
            return value in [read_scalar(item, v) for v in constraint]
        bound = read_scalar(item, constraint)
        if name == "minimum":
            return value >= bound
        if name == "maximum":
            return value <= bound
        if name == "exclusiveMinimum":
            return value > bound
        return value < bound
    except TypeError:
        return True


def read_list(field: Field, cell: str) -> list[Any] | None:
    from .casting import SCALAR_READERS
    from .schema import Field as FieldType

    item = FieldType(name=field.name, type=field.item_type)
    reader = SCALAR_READERS[field.item_type]
    items = []
    for text in cell.split(field.list_delimiter):
        value = reader(item, text)
        if value is None:
            return None
        items.append(value)
    return items


def string_format_reader(fmt: str) -> Any:
    """The reader of a string format, or None for ``default``."""
    if fmt == "email":
        import validators

        return lambda cell: cell if validators.email(cell) else None
    if fmt == "uuid":
        import validators

        # validators accepts the 32 hex digits without hyphens too, as frictionless does
        return lambda cell: cell if validators.uuid(cell) else None
    if fmt == "uri":
        import rfc3986
        from rfc3986 import exceptions
        from rfc3986 import validators as uri_validators

        def read_uri(cell: str) -> str | None:
            validator = uri_validators.Validator().require_presence_of("scheme")
            try:
                validator.validate(rfc3986.uri_reference(cell))
            except exceptions.ValidationError:
                return None
            return cell

        return read_uri
    if fmt == "binary":

        def read_binary(cell: str) -> str | None:
            try:
                base64.b64decode(cell)
            except Exception:
                return None
            return cell

        return read_binary
    return None


def canonical(value: Any) -> str:
    """Stable text of a parsed value for hashing (dict key order does not matter)."""
    if isinstance(value, ItemNotes):
        value = value.value
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    if isinstance(value, tuple):  # geopoints: Decimal("1.0") equals Decimal("1")
        return repr(tuple(v.normalize() if isinstance(v, Decimal) else v for v in value))
    return repr(value)
