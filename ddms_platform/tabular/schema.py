"""Loading and checking a Frictionless Table Schema descriptor."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .exceptions import SchemaError

# Types we can check vectorised; other Table Schema types (geopoint, duration…) are refused
# rather than silently accepted, so a schema never validates less than it says.
SUPPORTED_TYPES = {
    "string",
    "integer",
    "number",
    "boolean",
    "date",
    "datetime",
    "time",
    "year",
    "any",
}

# Same lists as frictionless, in the same order, so constraint errors come out identically;
# constraints a type does not support are ignored, as frictionless does.
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
}
STRING_FORMATS = {"default", "email", "uri", "uuid"}
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

    @property
    def active_constraints(self) -> list[str]:
        """Constraint names checked for this field, in frictionless order."""
        return [c for c in SUPPORTED_CONSTRAINTS[self.type] if self.constraints.get(c) is not None]

    @property
    def unique(self) -> bool:
        """Whether the field carries the ``unique`` constraint."""
        return bool(self.constraints.get("unique"))


@dataclass
class Schema:
    """A checked Table Schema: fields, primary key and our ``x-ddms`` extension."""

    fields: list[Field]
    primary_key: list[str] = field(default_factory=list)
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


def _load_field(index: int, raw: Any, missing_values: list[str]) -> Field:
    where = f"field {index + 1}"
    if not isinstance(raw, dict):
        raise SchemaError(f"{where} must be an object, got {type(raw).__name__}")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise SchemaError(f"{where} has no name")
    where = f'field "{name}"'
    ftype = raw.get("type", "string")
    if ftype not in SUPPORTED_TYPES:
        raise SchemaError(f'{where} has unknown or unsupported type "{ftype}"')
    fmt = raw.get("format", "default")
    if not isinstance(fmt, str) or not fmt:
        raise SchemaError(f"{where} has an invalid format")
    if ftype == "string" and fmt not in STRING_FORMATS:
        raise SchemaError(f'{where} has unsupported string format "{fmt}"')
    if ftype in {"integer", "number", "boolean", "year", "any"} and fmt != "default":
        raise SchemaError(f'{where} of type "{ftype}" does not take format "{fmt}"')
    constraints = raw.get("constraints", {})
    if not isinstance(constraints, dict):
        raise SchemaError(f"{where} constraints must be an object")
    _check_constraints(where, ftype, constraints)
    result = Field(name=name, type=ftype, format=fmt, constraints=dict(constraints))
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
    fields = [_load_field(i, raw, missing_values) for i, raw in enumerate(raw_fields)]
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
    extension = descriptor.get("x-ddms", {})
    if not isinstance(extension, dict):
        raise SchemaError('"x-ddms" must be an object')
    _check_extension(extension, names)
    return Schema(
        fields=fields,
        primary_key=primary_key,
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
