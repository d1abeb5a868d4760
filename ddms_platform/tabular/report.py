"""Collecting errors chunk by chunk and building the Frictionless-compatible report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

# Frictionless' message templates, so a report reads the same as `frictionless validate`.
TEMPLATES = {
    "extra-label": 'There is an extra label "{label}" in header at position "{fieldNumber}"',
    "missing-label": 'There is a missing label in the header\'s field "{fieldName}" at position "{fieldNumber}"',
    "blank-label": 'Label in the header in field at position "{fieldNumber}" is blank',
    "duplicate-label": 'Label "{label}" in the header at position "{fieldNumber}" is duplicated to a label: {note}',
    "incorrect-label": 'Label "{label}" in field {fieldName} at position "{fieldNumber}" does not match the field name in the schema',
    "blank-row": 'Row at position "{rowNumber}" is completely blank',
    "primary-key": 'Row at position "{rowNumber}" violates the primary key: {note}',
    "extra-cell": 'Row at position "{rowNumber}" has an extra value in field at position "{fieldNumber}"',
    "missing-cell": 'Row at position "{rowNumber}" has a missing cell in field "{fieldName}" at position "{fieldNumber}"',
    "type-error": 'Type error in the cell "{cell}" in row "{rowNumber}" and field "{fieldName}" at position "{fieldNumber}": {note}',
    "constraint-error": 'The cell "{cell}" in row at position "{rowNumber}" and field "{fieldName}" at position "{fieldNumber}" does not conform to a constraint: {note}',
    "unique-error": 'Row at position "{rowNumber}" has unique constraint violation in field "{fieldName}" at position "{fieldNumber}": {note}',
    "foreign-key": 'Row at position "{rowNumber}" violates the foreign key: {note}',
    "source-error": "The data source could not be successfully loaded: {note}",
    "encoding-error": "The data source could not be successfully decoded: {note}",
    "jump-warning": 'The cell "{cell}" in row at position "{rowNumber}" and field "{fieldName}" is implausible: {note}',
    "total-warning": 'The cell "{cell}" in row at position "{rowNumber}" and field "{fieldName}" is not the sum of its parts: {note}',
}
# Order of error types within one cell/row, as frictionless emits them.
TYPE_ORDER = {
    t: i
    for i, t in enumerate(
        [
            "extra-label",
            "missing-label",
            "blank-label",
            "duplicate-label",
            "incorrect-label",
            "blank-row",
            "type-error",
            "constraint-error",
            "extra-cell",
            "missing-cell",
            "unique-error",
            "primary-key",
            "foreign-key",
            "jump-warning",
            "total-warning",
        ]
    )
}
NO_FIELD = 1 << 30  # sorts row-level errors after the cell errors of the same row

# Frictionless' title, description and tags of each error type: its report reader requires them.
ERROR_META = {
    "extra-label": (
        "Extra Label",
        "The header of the data source contains label that does not exist in the provided schema.",
        ["#table", "#header", "#label"],
    ),
    "missing-label": (
        "Missing Label",
        "Based on the schema there should be a label that is missing in the data's header.",
        ["#table", "#header", "#label"],
    ),
    "blank-label": (
        "Blank Label",
        "A label in the header row is missing a value. Label should be provided and not be blank.",
        ["#table", "#header", "#label"],
    ),
    "duplicate-label": (
        "Duplicate Label",
        "Two columns in the header row have the same value. Column names should be unique.",
        ["#table", "#header", "#label"],
    ),
    "incorrect-label": (
        "Incorrect Label",
        "One of the data source header does not match the field name defined in the schema.",
        ["#table", "#header", "#label"],
    ),
    "blank-row": (
        "Blank Row",
        "This row is empty. A row should contain at least one value.",
        ["#table", "#row"],
    ),
    "primary-key": (
        "PrimaryKey Error",
        "Values in the primary key fields should be unique for every row",
        ["#table", "#row"],
    ),
    "extra-cell": (
        "Extra Cell",
        "This row has more values compared to the header row (the first row in the data source). A key concept is that all the rows in tabular data must have the same number of columns.",
        ["#table", "#row", "#cell"],
    ),
    "missing-cell": (
        "Missing Cell",
        "This row has less values compared to the header row (the first row in the data source). A key concept is that all the rows in tabular data must have the same number of columns.",
        ["#table", "#row", "#cell"],
    ),
    "type-error": (
        "Type Error",
        "The value does not match the schema type and format for this field.",
        ["#table", "#row", "#cell"],
    ),
    "constraint-error": (
        "Constraint Error",
        "A field value does not conform to a constraint.",
        ["#table", "#row", "#cell"],
    ),
    "unique-error": (
        "Unique Error",
        "This field is a unique field but it contains a value that has been used in another row.",
        ["#table", "#row", "#cell"],
    ),
    "foreign-key": (
        "ForeignKey Error",
        "Values in the foreign key fields should exist in the reference table",
        ["#table", "#row"],
    ),
    "source-error": (
        "Source Error",
        "Data reading error because of not supported or inconsistent contents.",
        [],
    ),
    "encoding-error": ("Encoding Error", "Data reading error because of an encoding problem.", []),
    "jump-warning": (
        "Jump Warning",
        "A value changed much more than usual against the comparable earlier value.",
        ["#table", "#row", "#cell"],
    ),
    "total-warning": (
        "Total Warning",
        "A total does not equal the sum of its parts.",
        ["#table", "#row"],
    ),
}
# Every parameter a message may be built from; the engine sets those that apply.
PARAMS = (
    "constraint",  # constraint name (constraint-error)
    "constraintValue",  # its value as the schema writes it (JSON)
    "fieldType",  # type and format of the field (type-error)
    "fieldFormat",
    "keyFields",  # primary-key, unique-error, foreign-key
    "keyValues",
    "firstRowNumber",  # the row that first held the repeated key
    "reference",  # foreign-key: the referenced resource
    "rowNumbers",  # plausibility: every row the warning compares
    "values",
    "expected",
    "tolerance",
    "comparedPeriod",  # jump-warning: the period compared with, and how it was chosen
    "comparison",
)


def make_error(error_type: str, **props: Any) -> dict[str, Any]:
    """One report entry with every key present and the frictionless message."""
    entry = {
        "type": error_type,
        "rowNumber": props.get("rowNumber"),
        "fieldName": props.get("fieldName"),
        "fieldNumber": props.get("fieldNumber"),
        "cell": props.get("cell"),
        "note": props.get("note", ""),
    }
    if "label" in props:
        entry["label"] = props["label"]
    title, description, tags = ERROR_META[error_type]
    entry.update(title=title, description=description, tags=tags)
    if "#row" in tags:
        entry["cells"] = []  # frictionless' row errors carry the row; ours name it by number
    elif "#label" in tags:
        entry["labels"], entry["rowNumbers"] = [], [1]
    for name in PARAMS:
        if props.get(name) is not None:
            entry[name] = props[name]
    fmt = {k: ("" if v is None else v) for k, v in {**entry, **props}.items()}
    entry["message"] = TEMPLATES[error_type].format(**fmt)
    return entry


@dataclass
class Batch:
    """Errors of one type, field and chunk, as arrays; materialised only while needed."""

    type: str
    rows: np.ndarray  # physical row numbers, ascending
    field_number: int | None
    field_name: str | None
    cells: Any  # pa.Array aligned with ``positions``, a list, or None
    positions: np.ndarray | None  # index of each error into ``cells``
    note: Any  # one string, or an array of per-error notes
    params: Any = None  # message parameters: one dict, or a list of per-error dicts


class ErrorLog:
    """Counts every error and keeps the first ``limit`` in row order.

    Chunks arrive in row order, so sorting each chunk's batches is enough for a global
    order; once the limit is reached, batches are only counted.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.counts: Counter[str] = Counter()
        self.entries: list[dict[str, Any]] = []
        self._pending: list[Batch] = []

    @property
    def full(self) -> bool:
        """Whether the first-N list is complete."""
        return len(self.entries) >= self.limit

    def add_entries(self, entries: list[dict[str, Any]]) -> None:
        """Add ready-made entries (header errors), which precede all row errors."""
        for entry in entries:
            self.counts[entry["type"]] += 1
        self.entries.extend(entries[: max(0, self.limit - len(self.entries))])

    def add(self, batch: Batch) -> None:
        """Count a batch and keep it for :meth:`flush` unless the list is already full."""
        if not len(batch.rows):
            return
        self.counts[batch.type] += len(batch.rows)
        if not self.full:
            self._pending.append(batch)

    def sort(self) -> None:
        """Re-establish row order after late entries (self-referencing foreign keys)."""
        self.entries.sort(
            key=lambda e: (
                e["rowNumber"] or 0,
                NO_FIELD if e["fieldNumber"] is None else e["fieldNumber"],
                TYPE_ORDER.get(e["type"], len(TYPE_ORDER)),
            )
        )

    def flush(self) -> None:
        """Materialise the pending batches of the chunk into entries, in row/field order."""
        room = self.limit - len(self.entries)
        pending, self._pending = self._pending, []
        if room <= 0 or not pending:
            return
        keys = []
        for b_index, batch in enumerate(pending):
            take = min(room, len(batch.rows))
            field_key = NO_FIELD if batch.field_number is None else batch.field_number
            for i in range(take):
                keys.append((int(batch.rows[i]), field_key, TYPE_ORDER[batch.type], b_index, i))
        keys.sort()
        for row, _, _, b_index, i in keys[:room]:
            batch = pending[b_index]
            cell = None
            if batch.cells is not None:
                pos = int(batch.positions[i]) if batch.positions is not None else i
                value = batch.cells[pos]
                cell = value.as_py() if isinstance(value, pa.Scalar) else value
            note = batch.note if isinstance(batch.note, str) else str(batch.note[i])
            params = batch.params
            if params is not None and not isinstance(params, dict):
                params = params[i]
            self.entries.append(
                make_error(
                    batch.type,
                    rowNumber=row,
                    fieldName=batch.field_name,
                    fieldNumber=batch.field_number,
                    cell=cell,
                    note=note,
                    **(params or {}),
                )
            )


def build_report(
    *,
    errors: ErrorLog,
    warnings: ErrorLog,
    rows: int,
    fields: int,
    extra_stats: dict[str, Any],
    labels: list[str] | None = None,
) -> dict[str, Any]:
    """Assemble the report dict: a Frictionless report with one task (see the README)."""
    total = sum(errors.counts.values())
    warning_total = sum(warnings.counts.values())
    stats = {"errors": total, "warnings": warning_total, "rows": rows, "fields": fields}
    notes = [w["message"] for w in warnings.entries]
    task = {
        "name": "data",
        "type": "table",
        "valid": total == 0,
        "place": "",
        "labels": [str(label) for label in labels or []],
        "stats": {**stats, **extra_stats},
        "warnings": notes,
        "errors": errors.entries,
        "plausibility": warnings.entries,
    }
    return {
        "valid": total == 0,
        "stats": {"tasks": 1, **stats, **extra_stats},
        "warnings": list(notes),
        # Frictionless keeps report-level errors (outside any table) here; ours are the task's.
        "errors": [],
        "tasks": [task],
        "error_counts": dict(sorted(errors.counts.items())),
        "warning_counts": dict(sorted(warnings.counts.items())),
    }


def _task(report: dict[str, Any]) -> dict[str, Any]:
    tasks = report.get("tasks") if isinstance(report, dict) else None
    return tasks[0] if isinstance(tasks, list) and tasks and isinstance(tasks[0], dict) else {}


def report_errors(report: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The listed errors of a report (its table task's)."""
    if not report:
        return []
    task = _task(report)
    return list(task.get("errors", [])) if task else list(report.get("errors", []))


def report_warnings(report: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The listed plausibility warnings of a report, as entries like the errors."""
    if not report:
        return []
    task = _task(report)
    if task:
        return list(task.get("plausibility", []))
    return [w for w in report.get("warnings", []) if isinstance(w, dict)]


def upgrade_report(report: dict[str, Any] | None) -> dict[str, Any] | None:
    """A report stored before the ``tasks[]`` wrapper, rewritten in the current shape.

    Idempotent: a current report comes back unchanged.
    """
    if not isinstance(report, dict) or "tasks" in report:
        return report
    errors = ErrorLog(1 << 62)
    warnings = ErrorLog(1 << 62)
    for log, entries in (
        (errors, report.get("errors", [])),
        (warnings, report.get("warnings", [])),
    ):
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and entry.get("type") in ERROR_META:
                known = {k: v for k, v in entry.items() if k not in ("type", "message")}
                log.entries.append({**make_error(entry["type"], **known), **known})
    errors.counts.update(report.get("error_counts") or {})
    warnings.counts.update(report.get("warning_counts") or {})
    stats = dict(report.get("stats") or {})
    extra = {k: v for k, v in stats.items() if k not in ("rows", "errors", "warnings", "fields")}
    return build_report(
        errors=errors,
        warnings=warnings,
        rows=int(stats.get("rows") or 0),
        fields=int(stats.get("fields") or 0),
        extra_stats=extra,
    )


def unusable_report(
    error_type: str, note: str, extra_stats: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Report for a file that could not be read at all (``source-error`` / ``encoding-error``)."""
    log = ErrorLog(1)
    log.add_entries([make_error(error_type, note=note)])
    return build_report(
        errors=log, warnings=ErrorLog(0), rows=0, fields=0, extra_stats=extra_stats or {}
    )


CSV_COLUMNS = [
    "severity",
    "type",
    "rowNumber",
    "fieldNumber",
    "fieldName",
    "cell",
    "note",
    "message",
]


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: Any) -> str:
    # Cells come from partners' files and the CSV is opened in spreadsheets: neutralise
    # anything a spreadsheet would run as a formula (OWASP "CSV injection").
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def report_to_csv_rows(report: dict[str, Any]) -> list[list[str]]:
    """Rows (header first) of a downloadable CSV listing the report's errors and warnings.

    Text that a spreadsheet would treat as a formula is prefixed with an apostrophe.
    """
    out = [list(CSV_COLUMNS)]
    for severity, entries in (
        ("error", report_errors(report)),
        ("warning", report_warnings(report)),
    ):
        for entry in entries:
            out.append([severity] + [_csv_safe(entry.get(c)) for c in CSV_COLUMNS[1:]])
    return out
