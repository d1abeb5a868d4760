"""Header and row checks, vectorised per chunk, with frictionless' semantics.

Fields are matched to header labels by position (frictionless' default ``fieldsMatch:
exact``): the row is checked against one field per label; labels beyond the schema get an
``any`` field, schema fields beyond the labels are reported once as ``missing-label``.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import values as typed
from .casting import Cast, Caster, bool_mask, identity_keys, read_scalar
from .foreignkeys import ForeignKeyChecker, References, combined_keys
from .keyindex import KeyIndex
from .reader import Chunk
from .report import TYPE_ORDER, Batch, ErrorLog, make_error
from .schema import Field, Schema


def header_errors(schema: Schema, labels: list[str]) -> list[dict[str, Any]]:
    """Label errors of the header row (row 1), by position."""
    fields = schema.fields
    out = []
    for number, label in enumerate(labels[len(fields) :], start=len(fields) + 1):
        out.append(
            make_error("extra-label", rowNumber=1, fieldName="", fieldNumber=number, label=label)
        )
    for offset, field in enumerate(fields[len(labels) :]):
        number = len(labels) + offset + 1
        out.append(
            make_error(
                "missing-label", rowNumber=1, fieldName=field.name, fieldNumber=number, label=""
            )
        )
    for number, (field, label) in enumerate(zip(fields, labels, strict=False), start=1):
        if not label:
            out.append(
                make_error(
                    "blank-label", rowNumber=1, fieldName=field.name, fieldNumber=number, label=""
                )
            )
            continue
        earlier = [i for i, seen in enumerate(labels[: number - 1], start=1) if seen == label]
        if earlier:
            note = 'at position "{}"'.format(", ".join(map(str, earlier)))
            out.append(
                make_error(
                    "duplicate-label",
                    rowNumber=1,
                    fieldName=field.name,
                    fieldNumber=number,
                    label=label,
                    note=note,
                )
            )
        elif label != field.name:
            out.append(
                make_error(
                    "incorrect-label",
                    rowNumber=1,
                    fieldName=field.name,
                    fieldNumber=number,
                    label=label,
                )
            )
    # like row errors, header errors are listed by position
    return sorted(out, key=lambda e: (e["fieldNumber"], TYPE_ORDER[e["type"]]))


def expected_fields(schema: Schema, labels: list[str]) -> list[Field]:
    """One field per label: the schema field at that position or an ``any`` field."""
    out = []
    used = set(schema.field_names[: len(labels)])
    for i, label in enumerate(labels):
        if i < len(schema.fields):
            out.append(schema.fields[i])
            continue
        name, n = label, 2
        while name in used:  # frictionless deduplicates fabricated names like this
            name, n = f"{label}{n}", n + 1
        used.add(name)
        out.append(Field(name=name, type="any"))
    return out


def _constraint_note(name: str, value: Any) -> str:
    return f'constraint "{name}" is "{value}"'


class TableChecker:
    """Runs all row checks on successive chunks and feeds an :class:`ErrorLog`."""

    def __init__(
        self,
        schema: Schema,
        labels: list[str],
        log: ErrorLog,
        *,
        spill_keys: int | None = None,
        references: References | None = None,
    ) -> None:
        self.schema = schema
        self.log = log
        self.fields = expected_fields(schema, labels)
        self.width = len(labels)
        self.constraints = [self._prepare_constraints(f) for f in self.fields]
        names = [f.name for f in self.fields]
        pk = schema.primary_key
        # frictionless skips the primary-key check when a key column is missing from the header
        self.pk_positions = [names.index(n) for n in pk] if pk and set(pk) <= set(names) else []
        # Parsed values are only materialised where a check compares them.
        compared = {
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "enum",
            "minLength",
            "maxLength",
        }
        self.foreign_keys = ForeignKeyChecker(schema, self.fields, log, references)
        keyed = {name for fk in schema.foreign_keys for name in fk.fields + fk.reference_fields}
        self.casters = [
            Caster(
                f,
                need_values=f.unique
                or f.name in keyed
                or i in self.pk_positions
                or any(name in compared for name, _ in self.constraints[i]),
            )
            for i, f in enumerate(self.fields)
        ]
        kwargs = {} if spill_keys is None else {"spill_keys": spill_keys}
        self.unique = {i: KeyIndex(**kwargs) for i, f in enumerate(self.fields) if f.unique}
        self.pk_index = KeyIndex(**kwargs) if self.pk_positions else None
        self.rows = 0
        self._pool = ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1))

    @staticmethod
    def _prepare_constraints(field: Field) -> list[tuple[str, Any]]:
        prepared = []
        for name in field.active_constraints:
            raw = field.constraints[name]
            if name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                prepared.append((name, read_scalar(field, raw)))
            elif name == "enum":
                prepared.append((name, [read_scalar(field, v) for v in raw]))
            else:
                prepared.append((name, raw))
        return prepared

    def check(self, chunk: Chunk) -> None:
        """Check one chunk; errors go to the log (materialised on ``log.flush()``)."""
        n = chunk.nrows
        row_numbers = chunk.row_numbers
        present = [
            np.ones(n, bool) if chunk.ncells is None else chunk.ncells > i
            for i in range(self.width)
        ]
        missing = []
        for i, field in enumerate(self.fields):
            if field.missing_values == [""]:
                # the common case: a zero length is read off the offsets, no string compares
                lengths = pc.binary_length(chunk.columns[i]).to_numpy(zero_copy_only=False)
                mv = lengths == 0
            else:
                values = pa.array(field.missing_values, pa.string())
                mv = bool_mask(pc.is_in(chunk.columns[i], values))
            missing.append(mv | ~present[i])
        blank = np.logical_and.reduce(missing) if missing else np.zeros(n, bool)
        keep = ~blank
        # Columns are independent and pyarrow/numpy release the GIL: check them in parallel,
        # then log their batches in field order so the report stays deterministic.
        results = list(
            self._pool.map(
                lambda i: self._check_field(i, chunk.columns[i], missing[i], keep, row_numbers),
                range(len(self.fields)),
            )
        )
        casts = [cast for cast, _, _ in results]
        valid_cells = [valid for _, valid, _ in results]
        for _, _, batches in results:
            for batch in batches:
                self.log.add(batch)
        self._check_shape(chunk, row_numbers, keep)
        blank_rows = row_numbers[blank]
        self.log.add(Batch("blank-row", blank_rows, None, None, None, None, ""))
        for i, index in self.unique.items():
            self._check_unique(i, index, chunk, casts[i], valid_cells[i], row_numbers)
        if self.pk_index is not None:
            self._check_primary_key(chunk, casts, valid_cells, row_numbers)
        self.foreign_keys.check(chunk.columns, casts, valid_cells, row_numbers, keep)
        self.rows += n

    def finish(self) -> None:
        """Checks that need the whole table (self-referencing foreign keys)."""
        self.foreign_keys.finish()

    def _check_field(
        self, i: int, column: pa.Array, missing: np.ndarray, keep: np.ndarray, rows: np.ndarray
    ) -> tuple[Cast, np.ndarray, list[Batch]]:
        """Type and constraint checks of one column: (cast, valid cells, error batches)."""
        field = self.fields[i]
        sink: list[Batch] = []
        cast = self.casters[i].cast(column, missing)
        is_valid = ~missing & cast.ok
        type_error = ~missing & ~cast.ok & keep
        note = f'type is "{field.type}/{field.format}"'
        params = {"fieldType": field.type, "fieldFormat": field.format}
        self._emit(sink, "type-error", type_error, rows, i, column, note, params)
        if field.array_item is not None:
            self._emit_item_notes(sink, cast, is_valid & keep, rows, i, column)
        for name, constraint in self.constraints[i]:
            note = _constraint_note(name, field.constraints[name])
            params = {"constraint": name, "constraintValue": field.constraints[name]}
            if name == "required":
                if constraint:
                    # frictionless renders the missing value as "None" in the cell
                    mask = missing & keep
                    self._emit(sink, "constraint-error", mask, rows, i, None, note, params)
                continue
            ok = self._satisfies(field, name, constraint, column, cast.values, is_valid)
            mask = is_valid & ~ok & keep
            self._emit(sink, "constraint-error", mask, rows, i, column, note, params)
        return cast, is_valid, sink

    def _emit_item_notes(
        self,
        sink: list[Batch],
        cast: Cast,
        checked: np.ndarray,
        rows: np.ndarray,
        i: int,
        column: pa.Array,
    ) -> None:
        """Errors of array items (``arrayItem``): a type note, then constraint notes."""
        noted = [p for p in np.flatnonzero(checked) if isinstance(cast.values[p], typed.ItemNotes)]
        for error_type in ("type-error", "constraint-error"):
            found: list[tuple[int, str]] = []
            for p in noted:
                item = cast.values[p]
                notes = [item.type] if error_type == "type-error" else list(item.constraints)
                found.extend((int(p), note) for note in notes if note)
            if found:
                positions = np.array([p for p, _ in found], dtype=np.int64)
                notes_array = np.empty(len(found), dtype=object)
                notes_array[:] = [note for _, note in found]
                sink.append(
                    Batch(
                        error_type,
                        rows[positions],
                        i + 1,
                        self.fields[i].name,
                        column,
                        positions,
                        notes_array,
                    )
                )

    def _emit(
        self,
        sink: list[Batch],
        error_type: str,
        mask: np.ndarray,
        rows: np.ndarray,
        i: int,
        column: Any,
        note: Any,
        params: dict[str, Any] | None = None,
    ) -> None:
        positions = np.flatnonzero(mask)
        if len(positions):
            field = self.fields[i]
            cells = ["None"] * len(positions) if column is None else column
            where = None if column is None else positions
            sink.append(
                Batch(error_type, rows[positions], i + 1, field.name, cells, where, note, params)
            )

    @staticmethod
    def _satisfies(
        field: Field, name: str, constraint: Any, column: pa.Array, values: Any, valid: np.ndarray
    ) -> np.ndarray:
        """Boolean array: True where the (valid) value meets the constraint."""
        n = len(valid)
        if name in ("minLength", "maxLength"):
            if field.type in ("array", "object", "list"):
                length = np.array(
                    [len(_plain(v)) if ok else 0 for v, ok in zip(values, valid, strict=True)]
                )
            else:
                length = pc.utf8_length(column).to_numpy(zero_copy_only=False)
            return length >= constraint if name == "minLength" else length <= constraint
        if name == "pattern":
            if field.type != "string":
                return np.ones(n, bool)
            return _pattern_matches(column, constraint)
        if name == "enum":
            if isinstance(values, pa.Array):
                allowed = pa.array([v for v in constraint if isinstance(v, str)], pa.string())
                return bool_mask(pc.is_in(values, allowed))
            allowed_values = [v for v in constraint if v is not None]
            return _isin(values, allowed_values)
        if constraint is None:
            return np.ones(n, bool)
        if isinstance(values, pa.Array):
            return np.ones(n, bool)
        return _compare(values, name, constraint, valid)

    def _check_shape(self, chunk: Chunk, rows: np.ndarray, keep: np.ndarray) -> None:
        if chunk.ncells is not None:
            for i in range(self.width):
                absent = (chunk.ncells <= i) & keep
                positions = np.flatnonzero(absent)
                if len(positions):
                    self.log.add(
                        Batch(
                            "missing-cell",
                            rows[positions],
                            i + 1,
                            self.fields[i].name,
                            [""] * len(positions),
                            None,
                            "",
                        )
                    )
        by_number: dict[int, list[tuple[int, str]]] = {}
        for index, cells in sorted(chunk.extra.items()):
            if not keep[index]:
                continue
            for offset, cell in enumerate(cells):
                by_number.setdefault(self.width + offset + 1, []).append((index, cell))
        for number, items in sorted(by_number.items()):
            positions = np.array([p for p, _ in items], dtype=np.int64)
            self.log.add(
                Batch("extra-cell", rows[positions], number, "", [c for _, c in items], None, "")
            )

    def _check_unique(
        self, i: int, index: KeyIndex, chunk: Chunk, cast: Cast, valid: np.ndarray, rows: np.ndarray
    ) -> None:
        keys, comparable = identity_keys(self.fields[i], cast, chunk.columns[i])
        take = np.flatnonzero(valid & comparable)
        dup, first_rows = index.add(keys[take], rows[take])
        if len(dup):
            positions = take[dup]
            notes = np.array(
                [f"the same as in the row at position {r}" for r in first_rows[: self.log.limit]],
                dtype=object,
            )
            field = self.fields[i]
            shown = positions[: self.log.limit]
            texts = chunk.columns[i].take(pa.array(shown, pa.int64())).to_pylist()
            params = [
                {"keyFields": [field.name], "keyValues": [text], "firstRowNumber": int(first)}
                for text, first in zip(texts, first_rows, strict=False)
            ]
            self.log.add(
                Batch(
                    "unique-error",
                    rows[positions],
                    i + 1,
                    field.name,
                    chunk.columns[i],
                    positions,
                    notes,
                    params,
                )
            )

    def _check_primary_key(
        self, chunk: Chunk, casts: list[Cast], valid: list[np.ndarray], rows: np.ndarray
    ) -> None:
        combined, all_none, comparable = combined_keys(
            self.pk_positions, self.fields, casts, valid, chunk.columns
        )
        self.log.add(
            Batch(
                "primary-key",
                rows[all_none],
                None,
                None,
                None,
                None,
                'cells composing the primary keys are all "None"',
                {"keyFields": [self.fields[p].name for p in self.pk_positions]},
            )
        )
        assert self.pk_index is not None  # pk_positions is non-empty
        take = np.flatnonzero(~all_none & comparable)
        dup, first_rows = self.pk_index.add(combined[take], rows[take])
        if len(dup):
            notes = np.array(
                [f"the same as in the row at position {r}" for r in first_rows[: self.log.limit]],
                dtype=object,
            )
            names = [self.fields[p].name for p in self.pk_positions]
            shown = pa.array(take[dup][: self.log.limit], pa.int64())
            texts = [chunk.columns[p].take(shown).to_pylist() for p in self.pk_positions]
            params = [
                {"keyFields": names, "keyValues": list(values), "firstRowNumber": int(first)}
                for *values, first in zip(*texts, first_rows, strict=False)
            ]
            self.log.add(
                Batch("primary-key", rows[take[dup]], None, None, None, None, notes, params)
            )

    def close(self) -> None:
        """Release key indexes (and their spill files) and the worker threads."""
        self._pool.shutdown()
        for index in self.unique.values():
            index.close()
        if self.pk_index is not None:
            self.pk_index.close()


def _pattern_matches(column: pa.Array, pattern: str) -> np.ndarray:
    """Python ``re`` semantics, as frictionless (``re.match("^pattern$")``), done fast.

    RE2 (pyarrow) runs first; where it rejects a value, Python's ``re`` decides, because
    Python's ``$``, ``\\d`` and ``\\w`` accept more (trailing newline, Unicode digits) and
    RE2 lacks look-arounds. So RE2 only speeds up the common, matching case.
    """
    import re

    regex = re.compile(f"^{pattern}$")
    try:
        # re.match anchors at the start only: "^a|b$" means "starts with a, or is b", so
        # the RE2 search is anchored around the whole expression the same way
        matched = bool_mask(pc.match_substring_regex(column, f"^(?:^{pattern}$)"))
    except pa.ArrowInvalid:  # not RE2 syntax: Python for every distinct value
        matched = np.zeros(len(column), bool)
    rejected = np.flatnonzero(~matched)
    if len(rejected):
        encoded = column.take(pa.array(rejected)).dictionary_encode()
        per_value = np.array(
            [regex.match(v) is not None for v in encoded.dictionary.to_pylist()], dtype=bool
        )
        matched = np.array(matched, dtype=bool)
        matched[rejected] = per_value[encoded.indices.to_numpy(zero_copy_only=False)]
    return matched


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, typed.ItemNotes) else value


def _isin(values: np.ndarray, allowed: list[Any]) -> np.ndarray:
    if values.dtype == object:
        try:
            allowed_set = set(allowed)
            return np.array([_plain(v) in allowed_set for v in values], dtype=bool)
        except TypeError:  # lists and dicts (JSON values) are not hashable: compare each
            return np.array([_plain(v) in allowed for v in values], dtype=bool)
    if values.dtype == np.float64:
        return np.isin(values, np.array([float(v) for v in allowed], dtype=np.float64))
    return (
        np.isin(values, np.array(allowed, dtype=values.dtype))
        if allowed
        else np.zeros(len(values), bool)
    )


def _compare(values: np.ndarray, name: str, bound: Any, valid: np.ndarray) -> np.ndarray:
    result = np.ones(len(values), bool)
    idx = np.flatnonzero(valid)
    subset = values[idx]
    try:
        with np.errstate(invalid="ignore"):
            if name == "minimum":
                ok = subset >= bound
            elif name == "maximum":
                ok = subset <= bound
            elif name == "exclusiveMinimum":
                ok = subset > bound
            else:
                ok = subset < bound
    except TypeError:  # e.g. naive vs aware datetimes: frictionless would fail too; skip
        return result
    result[idx] = np.asarray(ok, dtype=bool)
    return result
