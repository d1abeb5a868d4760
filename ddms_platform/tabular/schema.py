"""Loading and checking a Frictionless Table Schema descriptor."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .exceptions import SchemaError

# Same lists as frictionless 5.21, in the same order, so constraint errors come out
# identically; a constraint a type does not support makes the schema invalid, as there.
SUPPORTED_CONSTRAINTS = {
    "string": ["required", "minLength", "maxLength", "pattern", "enum"],
    "integer": ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"],
    "number": ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"],
    "boolean": ["required", "enum"],
    "date": ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"],
    "datetime": ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"],
    "time": ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"],
    "year": ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"],
    "any": ["required", "enum"],
    "yearmonth": ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"],
    "duration": ["required", "enum"],
    "geopoint": ["required", "enum"],
    "geojson": ["required", "enum"],
    "array": ["required", "minLength", "maxLength", "enum"],
    "object": ["required", "minLength", "maxLength", "enum"],
    "list": ["required", "minLength", "maxLength"],
}
SUPPORTED_TYPES = set(SUPPORTED_CONSTRAINTS)
# Constraints every type takes (checked across rows, not per cell).
ROW_CONSTRAINTS = {"unique"}
STRING_FORMATS = {"default", "email", "uri", "uuid", "binary"}
GEOPOINT_FORMATS = {"default", "array", "object"}
GEOJSON_FORMATS = {"default", "topojson"}
LIST_ITEM_TYPES = ["string", "integer", "boolean", "number", "datetime", "date", "time"]
# Field-level keys that belong in "constraints" (frictionless refuses them at field level).
MISPLACED_CONSTRAINTS = {"required", "unique"}
DEFAULT_TRUE_VALUES = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE_VALUES = ["false", "False", "FALSE", "0"]


@dataclass
class Field:
    """One schema field with the defaults of the Table Schema spec applied."""

    name: str
    type: str = "string"
    format: str = "default"
    constraints: dict[str, Any] = field(default_factory=dict)
    missing_values: list[str] = field(default_factory=lambda: [""])
    decimal_char: str = "."
    group_char: str = ""
    bare_number: bool = True
    # frictionless only pre-processes numbers when one of the three options is given
    number_processor: bool = False
    true_values: list[str] = field(default_factory=lambda: list(DEFAULT_TRUE_VALUES))
    false_values: list[str] = field(default_factory=lambda: list(DEFAULT_FALSE_VALUES))
    # array: the "arrayItem" field every element is read as; list: delimiter and item type
    array_item: Field | None = None
    list_delimiter: str = ","
    item_type: str = "string"

    @property
    def active_constraints(self) -> list[str]:
        """Constraint names checked for this field, in frictionless order."""
        return [c for c in SUPPORTED_CONSTRAINTS[self.type] if self.constraints.get(c) is not None]

    @property
    def unique(self) -> bool:
        """Whether the field carries the ``unique`` constraint."""
        return bool(self.constraints.get("unique"))


@dataclass
class ForeignKey:
    """A foreign key: ``fields`` of each row must be a key of the referenced resource.

    ``resource`` is ``""`` for a reference to the table itself, otherwise the name of an
    external resource the caller supplies (see ``references`` in :func:`validate`).
    """

    fields: list[str]
    resource: str
    reference_fields: list[str]
    descriptor: dict[str, Any]


@dataclass
class Schema:
    """A checked Table Schema: fields, primary key and our ``x-ddms`` extension."""

    fields: list[Field]
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    missing_values: list[str] = field(default_factory=lambda: [""])
    extension: dict[str, Any] = field(default_factory=dict)

    @property
    def field_names(self) -> list[str]:
        """Names of the fields in schema order."""
        return [f.name for f in self.fields]


def _string_list(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SchemaError(f"{what} must be a list of strings")
    return list(value)


V2_ONLY_CONSTRAINTS = ("exclusiveMinimum", "exclusiveMaximum")


def datapackage_version(descriptor: dict[str, Any]) -> str:
    """ "v1", "v2" or "unknown", from ``$schema`` as frictionless 5.21 resolves it.

    No ``$schema`` is v1 (the spec says so); a datapackage.org profile URL gives its
    version; any other URL is "unknown", for which both versions' features are accepted.
    """
    profile = descriptor.get("$schema")
    if not profile:
        return "v1"
    match = re.search(r"datapackage\.org/profiles/(\d+)\.\d+/", str(profile))
    if match and match.group(1) in ("1", "2"):
        return f"v{match.group(1)}"
    return "unknown"


def _load_field(index: int, raw: Any, missing_values: list[str], version: str = "v2") -> Field:
    where = f"field {index + 1}"
    if not isinstance(raw, dict):
        raise SchemaError(f"{where} must be an object, got {type(raw).__name__}")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise SchemaError(f"{where} has no name")
    where = f'field "{name}"'
    ftype = raw.get("type", "string")
    if ftype not in SUPPORTED_TYPES:
        raise SchemaError(f'{where}: field type "{ftype}" is not supported')
    for key in sorted(MISPLACED_CONSTRAINTS & set(raw)):
        # frictionless 5.21: '"required" should be set as "constraints.required"'
        raise SchemaError(f'{where}: "{key}" should be set as "constraints.{key}"')
    fmt = raw.get("format", "default")
    if not isinstance(fmt, str) or not fmt:
        raise SchemaError(f"{where} has an invalid format")
    # frictionless accepted the deprecated "fmt:" prefix of date/time patterns and drops it
    if ftype in {"date", "time", "datetime"} and fmt.startswith("fmt:"):
        fmt = fmt[4:]
    allowed = {"string": STRING_FORMATS, "geojson": GEOJSON_FORMATS}.get(ftype)
    if allowed is not None and fmt not in allowed:
        raise SchemaError(f"{where}: '{fmt}' is not one of {sorted(allowed)} at property 'format'")
    if ftype == "geopoint" and fmt not in GEOPOINT_FORMATS:
        raise SchemaError(f"{where}: '{fmt}' is not one of {sorted(GEOPOINT_FORMATS)}")
    if ftype in {"integer", "number", "boolean", "year", "any"} and fmt != "default":
        raise SchemaError(f'{where} of type "{ftype}" does not take format "{fmt}"')
    constraints = raw.get("constraints", {})
    if not isinstance(constraints, dict):
        raise SchemaError(f"{where} constraints must be an object")
    _check_constraints(where, ftype, constraints)
    if version == "v1":
        for key in V2_ONLY_CONSTRAINTS:
            if key in constraints:
                # frictionless 5.21's wording; declare "$schema":
                # "https://datapackage.org/profiles/2.0/tableschema.json" to use them
                raise SchemaError(f'{where}: constraint "{key}" requires datapackage v2')
    result = Field(name=name, type=ftype, format=fmt, constraints=dict(constraints))
    if ftype == "array" and raw.get("arrayItem") is not None:
        item = raw["arrayItem"]
        if not isinstance(item, dict):
            raise SchemaError(f'{where}: "arrayItem" must be an object')
        item = {k: v for k, v in item.items() if k != "arrayItem"}
        item.setdefault("name", name)
        item.setdefault("type", "any")
        result.array_item = _load_field(index, item, missing_values)
    if ftype == "list":
        result.list_delimiter = raw.get("delimiter", ",")
        result.item_type = raw.get("itemType", "string")
        if not isinstance(result.list_delimiter, str) or not result.list_delimiter:
            raise SchemaError(f'{where}: "delimiter" must be a non-empty string')
        if result.item_type not in LIST_ITEM_TYPES:
            raise SchemaError(
                f"{where}: '{result.item_type}' is not one of {LIST_ITEM_TYPES} "
                "at property 'itemType'"
            )
    result.missing_values = (
        _string_list(raw["missingValues"], f"{where} missingValues")
        if "missingValues" in raw
        else list(missing_values)
    )
    if ftype == "number":
        result.number_processor = any(k in raw for k in ("decimalChar", "groupChar", "bareNumber"))
        result.decimal_char = raw.get("decimalChar", ".")
        result.group_char = raw.get("groupChar", "")
        if not isinstance(result.decimal_char, str) or len(result.decimal_char) != 1:
            raise SchemaError(f"{where} decimalChar must be one character")
        if not isinstance(result.group_char, str) or len(result.group_char) > 1:
            raise SchemaError(f"{where} groupChar must be at most one character")
    if ftype in {"integer", "number"}:
        result.bare_number = raw.get("bareNumber", True)
        if not isinstance(result.bare_number, bool):
            raise SchemaError(f"{where} bareNumber must be true or false")
    if ftype == "boolean":
        if "trueValues" in raw:
            result.true_values = _string_list(raw["trueValues"], f"{where} trueValues")
        if "falseValues" in raw:
            result.false_values = _string_list(raw["falseValues"], f"{where} falseValues")
    return result


def _check_constraints(where: str, ftype: str, constraints: dict[str, Any]) -> None:
    for key in constraints:
        if key not in SUPPORTED_CONSTRAINTS[ftype] and key not in ROW_CONSTRAINTS:
            raise SchemaError(f'{where}: constraint "{key}" is not supported by type "{ftype}"')
    for key in ("required", "unique"):
        if key in constraints and not isinstance(constraints[key], bool):
            raise SchemaError(f'{where} constraint "{key}" must be true or false')
    for key in ("minLength", "maxLength"):
        value = constraints.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise SchemaError(f'{where} constraint "{key}" must be an integer')
    if "enum" in constraints and not isinstance(constraints["enum"], list):
        raise SchemaError(f'{where} constraint "enum" must be a list')
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        try:
            re.compile(f"^{pattern}$")
        except (re.error, TypeError) as exc:
            raise SchemaError(f'{where} constraint "pattern" is not a valid regex: {exc}') from exc


def load_schema(descriptor: Any) -> Schema:
    """Check a Table Schema descriptor (a dict) and return a :class:`Schema`.

    Raises :class:`SchemaError` naming the first problem found.
    """
    if isinstance(descriptor, Schema):
        return descriptor
    if not isinstance(descriptor, dict):
        raise SchemaError(f"schema must be a JSON object, got {type(descriptor).__name__}")
    raw_fields = descriptor.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise SchemaError('schema must have a non-empty "fields" list')
    missing_values = _string_list(descriptor.get("missingValues", [""]), "schema missingValues")
    version = datapackage_version(descriptor)
    fields = [_load_field(i, raw, missing_values, version) for i, raw in enumerate(raw_fields)]
    names = [f.name for f in fields]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SchemaError(f"schema has duplicate field names: {', '.join(duplicates)}")
    primary_key = descriptor.get("primaryKey", [])
    if isinstance(primary_key, str):
        primary_key = [primary_key]
    primary_key = _string_list(primary_key, "primaryKey")
    unknown = [k for k in primary_key if k not in names]
    if unknown:
        raise SchemaError(f"primaryKey names unknown fields: {', '.join(unknown)}")
    foreign_keys = [_load_foreign_key(fk, names) for fk in _list(descriptor, "foreignKeys")]
    extension = descriptor.get("x-ddms", {})
    if not isinstance(extension, dict):
        raise SchemaError('"x-ddms" must be an object')
    _check_extension(extension, names)
    return Schema(
        fields=fields,
        primary_key=primary_key,
        foreign_keys=foreign_keys,
        missing_values=missing_values,
        extension=extension,
    )


def _check_extension(extension: dict[str, Any], names: list[str]) -> None:
    totals = extension.get("totals", [])
    if not isinstance(totals, list):
        raise SchemaError('"x-ddms.totals" must be a list')
    for rule in totals:
        if not isinstance(rule, dict) or "total" not in rule or "parts" not in rule:
            raise SchemaError('each "x-ddms.totals" rule needs "total" and "parts"')
        for col in [rule["total"], *_string_list(rule["parts"], "x-ddms.totals parts")]:
            if col not in names:
                raise SchemaError(f'"x-ddms.totals" names unknown field "{col}"')


def _list(descriptor: dict[str, Any], key: str) -> list[Any]:
    value = descriptor.get(key, [])
    if not isinstance(value, list):
        raise SchemaError(f'"{key}" must be a list')
    return value


def _names(value: Any, what: str) -> list[str]:
    return [value] if isinstance(value, str) else _string_list(value, what)


def _load_foreign_key(raw: Any, names: list[str]) -> ForeignKey:
    if not isinstance(raw, dict) or not isinstance(raw.get("reference"), dict):
        raise SchemaError('each of "foreignKeys" needs "fields" and a "reference" object')
    fields = _names(raw.get("fields"), "foreignKeys fields")
    reference = raw["reference"]
    resource = reference.get("resource", "")
    if not isinstance(resource, str):
        raise SchemaError('a foreign key\'s "reference.resource" must be a string')
    ref_fields = _names(reference.get("fields"), "foreignKeys reference fields")
    if len(fields) != len(ref_fields):
        # frictionless's wording
        raise SchemaError(
            f'foreign key fields "{fields}" does not match the reference fields "{ref_fields}"'
        )
    unknown = [f for f in fields if f not in names]
    if unknown:
        raise SchemaError(f"foreignKeys name unknown fields: {', '.join(unknown)}")
    if resource == "":
        unknown = [f for f in ref_fields if f not in names]
        if unknown:
            raise SchemaError(
                f"a self-referencing foreign key names unknown fields: {', '.join(unknown)}"
            )
    return ForeignKey(fields, resource, ref_fields, raw)
