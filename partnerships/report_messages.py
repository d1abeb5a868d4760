"""Plain-language messages for the validation report, in the reader's language.

The engine (``ddms_platform.tabular``) writes Frictionless' own notes, which read like a
stack trace; here each entry's type and parameters (``constraint``, ``constraintValue``,
``fieldType``, ``keyValues``, ``firstRowNumber``, ...) become one sentence, a fix hint and a
label for the type, translated with gettext. Values are quoted, a missing value is shown as
empty, and booleans and lists are written as the schema writes them (JSON).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ddms_platform.tabular import upgrade_report

TYPE_LABELS = {
    "type-error": gettext_lazy("Wrong kind of value"),
    "constraint-error": gettext_lazy("Rule not met"),
    "missing-cell": gettext_lazy("Missing cell"),
    "extra-cell": gettext_lazy("Extra cell"),
    "blank-row": gettext_lazy("Empty row"),
    "primary-key": gettext_lazy("Repeated key"),
    "unique-error": gettext_lazy("Repeated value"),
    "foreign-key": gettext_lazy("Unknown code"),
    "extra-label": gettext_lazy("Extra column"),
    "missing-label": gettext_lazy("Missing column"),
    "blank-label": gettext_lazy("Column without a name"),
    "duplicate-label": gettext_lazy("Repeated column name"),
    "incorrect-label": gettext_lazy("Wrong column name"),
    "source-error": gettext_lazy("Unreadable file"),
    "encoding-error": gettext_lazy("Unknown character encoding"),
    "jump-warning": gettext_lazy("Unusual change"),
    "total-warning": gettext_lazy("Parts do not add up"),
}

# What a value of each type looks like, for "'abc' is not <expected>".
TYPE_WORDS = {
    "integer": gettext_lazy("a whole number"),
    "number": gettext_lazy("a number"),
    "boolean": gettext_lazy("true or false"),
    "date": gettext_lazy("a date (YYYY-MM-DD, e.g. 2026-01-31)"),
    "datetime": gettext_lazy("a date and time (e.g. 2026-01-31T08:30:00)"),
    "time": gettext_lazy("a time of day (HH:MM:SS)"),
    "year": gettext_lazy("a year (e.g. 2026)"),
    "yearmonth": gettext_lazy("a year and month (YYYY-MM, e.g. 2026-01)"),
    "duration": gettext_lazy("a duration (e.g. P1Y2M)"),
    "geopoint": gettext_lazy("a point (longitude, latitude)"),
    "geojson": gettext_lazy("a GeoJSON object"),
    "object": gettext_lazy("a JSON object"),
    "array": gettext_lazy("a JSON list"),
    "list": gettext_lazy("a list of values"),
    "string": gettext_lazy("text"),
    "any": gettext_lazy("a value"),
}
FORMAT_WORDS = {
    "email": gettext_lazy("an e-mail address"),
    "uri": gettext_lazy("a web address (URI)"),
    "uuid": gettext_lazy("a UUID"),
    "binary": gettext_lazy("base64-encoded data"),
}
TYPE_HINTS = {
    "integer": gettext_lazy(
        "Write digits only: no decimals, spaces, thousands separators or units."
    ),
    "number": gettext_lazy(
        "Use a dot as the decimal separator and no thousands separators or units."
    ),
    "boolean": gettext_lazy("Write true or false."),
    "date": gettext_lazy("Write dates as year-month-day, e.g. 2026-01-31."),
    "yearmonth": gettext_lazy("Write the month as year-month, e.g. 2026-01."),
    "year": gettext_lazy("Write the year with four digits."),
}
CONSTRAINT_HINTS = {
    "required": gettext_lazy("Fill in every cell of this column."),
    "minimum": gettext_lazy("Check the value; if it is right, tell the NSI in a comment."),
    "maximum": gettext_lazy("Check the value; if it is right, tell the NSI in a comment."),
    "exclusiveMinimum": gettext_lazy("Check the value; if it is right, tell the NSI in a comment."),
    "exclusiveMaximum": gettext_lazy("Check the value; if it is right, tell the NSI in a comment."),
    "minLength": gettext_lazy("Write the full value."),
    "maxLength": gettext_lazy("Shorten the value."),
    "pattern": gettext_lazy("Write the value in the form shown on the request page."),
    "enum": gettext_lazy("Use one of the allowed codes listed on the request page."),
}
HINTS = {
    "missing-cell": gettext_lazy(
        "Add the missing values, or an empty cell, so that every row has all columns."
    ),
    "extra-cell": gettext_lazy(
        "Remove the values after the last column (often a stray separator)."
    ),
    "blank-row": gettext_lazy("Delete the empty row."),
    "primary-key": gettext_lazy("Each key may appear once: merge or correct the repeated rows."),
    "unique-error": gettext_lazy("Each value in this column may appear once."),
    "foreign-key": gettext_lazy("Use a code from the list on the request page."),
    "extra-label": gettext_lazy("Remove the column, or ask the NSI to add it to the request."),
    "missing-label": gettext_lazy("Add the column; start from the template on the request page."),
    "blank-label": gettext_lazy("Write the column's name in the header row."),
    "duplicate-label": gettext_lazy("Give every column a different name."),
    "incorrect-label": gettext_lazy("Use the column names and order of the template."),
    "source-error": gettext_lazy("Save the file as CSV (UTF-8) or XLSX and upload it again."),
    "encoding-error": gettext_lazy("Save the file as CSV with UTF-8 encoding."),
    "jump-warning": gettext_lazy(
        "Not an error: check the value, and confirm it in a comment if it is right."
    ),
    "total-warning": gettext_lazy(
        "Not an error: check the parts and the total, and explain a difference in a comment."
    ),
}


def written(value: Any) -> str:
    """A schema value as the schema writes it: JSON for booleans, lists and null."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def shown(value: Any) -> str:
    """A cell value for a sentence: quoted, control characters visible, missing as empty."""
    if value is None or value == "" or value == "None":
        return _("(empty)")
    text = value if isinstance(value, str) else written(value)
    text = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    if len(text) > 80:
        text = text[:77] + "…"
    return f"“{text}”"


def _place(entry: dict[str, Any]) -> str:
    row, column = entry.get("rowNumber"), entry.get("fieldName")
    if row and column:
        return _("Row %(row)s, column %(column)s") % {"row": row, "column": column}
    if row:
        return _("Row %(row)s") % {"row": row}
    return _("The file")


def _expected(entry: dict[str, Any]) -> str:
    kind = entry.get("fieldType") or "string"
    fmt = entry.get("fieldFormat") or "default"
    if fmt in FORMAT_WORDS:
        return str(FORMAT_WORDS[fmt])
    if kind in ("date", "datetime", "time") and fmt not in ("default", "any"):
        return _("a value in the form %(format)s") % {"format": fmt}
    return str(TYPE_WORDS.get(kind, TYPE_WORDS["any"]))


def _constraint(entry: dict[str, Any], p: dict[str, str]) -> str:
    name = entry.get("constraint") or ""
    texts = {
        "required": _("%(place)s: the value is empty, but this column is required."),
        "minimum": _("%(place)s: %(value)s is less than the minimum %(limit)s."),
        "maximum": _("%(place)s: %(value)s is more than the maximum %(limit)s."),
        "exclusiveMinimum": _("%(place)s: %(value)s must be more than %(limit)s."),
        "exclusiveMaximum": _("%(place)s: %(value)s must be less than %(limit)s."),
        "minLength": _("%(place)s: %(value)s is shorter than %(limit)s characters."),
        "maxLength": _("%(place)s: %(value)s is longer than %(limit)s characters."),
        "pattern": _("%(place)s: %(value)s does not have the expected form %(limit)s."),
        "enum": _("%(place)s: %(value)s is not one of the allowed values %(limit)s."),
    }
    text = texts.get(name, _("%(place)s: %(value)s does not meet the rule %(rule)s."))
    return text % p


def _key(entry: dict[str, Any]) -> str:
    values = entry.get("keyValues") or []
    return ", ".join("" if v is None else written(v) for v in values)


def _fields(entry: dict[str, Any]) -> str:
    return ", ".join(entry.get("keyFields") or [])


def number(value: Any) -> str:
    """A compared figure as people write it: 9, not 9.0; 0.25, not 0.25000000001."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.10g}"
    return written(value)


def _numbers(values: Any) -> str:
    return ", ".join(number(v) for v in values or [])


MESSAGES: dict[str, Callable[[dict[str, Any], dict[str, str]], str]] = {
    "type-error": lambda e, p: _("%(place)s: %(value)s is not %(expected)s.") % p,
    "constraint-error": _constraint,
    "missing-cell": lambda e, p: _("%(place)s: the row ends before this column.") % p,
    "extra-cell": lambda e, p: (
        _("Row %(row)s has an extra value %(value)s after the last column (position %(position)s).")
        % p
    ),
    "blank-row": lambda e, p: _("Row %(row)s is empty.") % p,
    "primary-key": lambda e, p: (
        (
            _("Row %(row)s repeats the key (%(key)s) of row %(first)s.")
            if e.get("firstRowNumber")
            else _("Row %(row)s has no key: the key columns (%(fields)s) are all empty.")
        )
        % p
    ),
    "unique-error": lambda e, p: _("%(place)s: %(value)s repeats the value of row %(first)s.") % p,
    "foreign-key": lambda e, p: (
        _("Row %(row)s: (%(key)s) in column %(fields)s is not a known code of %(reference)s.") % p
    ),
    "extra-label": lambda e, p: (
        _("The header has an extra column %(label)s at position %(position)s.") % p
    ),
    "missing-label": lambda e, p: (
        _("The header has no column %(column)s (expected at position %(position)s).") % p
    ),
    "blank-label": lambda e, p: (
        _("The header's column at position %(position)s has no name; expected %(column)s.") % p
    ),
    "duplicate-label": lambda e, p: (
        _("The column name %(label)s at position %(position)s is used more than once.") % p
    ),
    "incorrect-label": lambda e, p: (
        _(
            "The header says %(label)s at position %(position)s, where column %(column)s is expected."
        )
        % p
    ),
    "source-error": lambda e, p: _("The file could not be read: %(note)s") % p,
    "encoding-error": lambda e, p: (
        _("The file's character encoding could not be recognised: %(note)s") % p
    ),
    "jump-warning": lambda e, p: (
        _(
            "%(place)s: %(value)s is far from the comparable earlier value %(expected_value)s "
            "(allowed change: %(tolerance)s)."
        )
        % p
    ),
    "total-warning": lambda e, p: (
        (
            _(
                "Rows %(rows)s: the total %(value)s differs from the sum of its parts %(values)s, "
                "which is %(expected_value)s."
            )
            if len(e.get("rowNumbers") or []) > 1
            else _(
                "%(place)s: the total %(value)s differs from the sum of its parts %(values)s, "
                "which is %(expected_value)s."
            )
        )
        % p
    ),
}


def _params(entry: dict[str, Any]) -> dict[str, str]:
    rows = entry.get("rowNumbers") or [entry.get("rowNumber")]
    tolerance = entry.get("tolerance")
    return {
        "place": _place(entry),
        "row": str(entry.get("rowNumber") or ""),
        "column": str(entry.get("fieldName") or ""),
        "value": shown(entry.get("cell")),
        "expected": _expected(entry),
        "limit": written(entry.get("constraintValue")),
        "rule": str(entry.get("constraint") or ""),
        "key": _key(entry),
        "fields": _fields(entry),
        "first": str(entry.get("firstRowNumber") or ""),
        "reference": str(entry.get("reference") or ""),
        "label": shown(entry.get("label")),
        "position": str(entry.get("fieldNumber") or ""),
        "note": str(entry.get("note") or ""),
        "rows": ", ".join(str(r) for r in rows if r),
        "values": _numbers(entry.get("values")),
        "expected_value": number(entry.get("expected")),
        "tolerance": "" if tolerance is None else f"{float(tolerance):.0%}",
    }


def explain(entry: dict[str, Any]) -> dict[str, str]:
    """``{"label", "message", "hint"}`` of one report entry in the active language."""
    kind = str(entry.get("type") or "")
    params = _params(entry)
    build = MESSAGES.get(kind)
    message = build(entry, params) if build else str(entry.get("message") or "")
    if kind == "type-error":
        hint = TYPE_HINTS.get(str(entry.get("fieldType")), gettext_lazy("Correct the value."))
    elif kind == "constraint-error":
        hint = CONSTRAINT_HINTS.get(
            str(entry.get("constraint")), gettext_lazy("Correct the value.")
        )
    else:
        hint = HINTS.get(kind, gettext_lazy("Correct the value."))
    return {"label": type_label(kind), "message": message, "hint": str(hint)}


def type_label(kind: str) -> str:
    """The error type's name in the active language (the code itself if unknown)."""
    label = TYPE_LABELS.get(kind)
    return str(label) if label is not None else kind


def explained(entries: list[dict[str, Any]], language: str | None = None) -> list[dict[str, Any]]:
    """Copies of report entries with ``explanation`` added, in ``language`` (or the active one)."""
    with translation.override(language or translation.get_language()):
        return [{**e, "explanation": explain(e)} for e in entries]


def explained_report(report: dict[str, Any], language: str | None = None) -> dict[str, Any]:
    """The stored report (upgraded if old) with an ``explanation`` on every listed entry."""
    current = upgrade_report(report) or {}
    tasks = []
    for task in current.get("tasks", []):
        tasks.append(
            {
                **task,
                "errors": explained(task.get("errors", []), language),
                "plausibility": explained(task.get("plausibility", []), language),
            }
        )
    return {**current, "tasks": tasks}
