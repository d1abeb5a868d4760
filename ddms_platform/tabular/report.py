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
            self.entries.append(
                make_error(
                    batch.type,
                    rowNumber=row,
                    fieldName=batch.field_name,
                    fieldNumber=batch.field_number,
                    cell=cell,
                    note=note,
                )
            )


def build_report(
    *,
    errors: ErrorLog,
    warnings: ErrorLog,
    rows: int,
    fields: int,
    extra_stats: dict[str, Any],
) -> dict[str, Any]:
    """Assemble the report dict (see the package README for the format)."""
    total = sum(errors.counts.values())
    return {
        "valid": total == 0,
        "stats": {
            "rows": rows,
            "errors": total,
            "warnings": sum(warnings.counts.values()),
            "fields": fields,
            **extra_stats,
        },
        "error_counts": dict(sorted(errors.counts.items())),
        "errors": errors.entries,
        "warning_counts": dict(sorted(warnings.counts.items())),
        "warnings": warnings.entries,
    }


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
    for severity, key in (("error", "errors"), ("warning", "warnings")):
        for entry in report.get(key, []):
            out.append([severity] + [_csv_safe(entry.get(c)) for c in CSV_COLUMNS[1:]])
    return out
