"""Foreign keys: to the table itself (``"resource": ""``) or to named external code lists.

A row's key is the tuple of its foreign-key cells; a row whose cells are all missing (or
unparsable, which frictionless also reads as None) is not checked. External resources are
key sets the caller passes as ``references={"ddms:territories": {("UA01",), ...}}``; their
keys are compared with the cell texts. A self-reference can only be decided once the whole
table has been read: each chunk records 64-bit identities of its referenced keys and of its
foreign keys (16 bytes per row), and :meth:`ForeignKeyChecker.finish` reports the rows whose
key never occurs.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .casting import Cast, bool_mask, identity_keys
from .exceptions import SchemaError
from .report import Batch, ErrorLog
from .schema import Field, ForeignKey, Schema

References = Mapping[str, Collection[tuple[str, ...]]]
NONE_KEY = np.uint64(0x9E3779B97F4A7C15)


def _mix(acc: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Order-sensitive 64-bit combination of key columns (splitmix64 finaliser)."""
    with np.errstate(over="ignore"):
        x = (acc * np.uint64(31) + keys.astype(np.uint64)) ^ np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def combined_keys(
    positions: list[int],
    fields: list[Field],
    casts: list[Cast],
    valid: list[np.ndarray],
    columns: list[pa.Array],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(identity per row, all cells None, comparable) of a tuple of columns."""
    n = len(columns[0])
    all_none = np.ones(n, bool)
    comparable = np.ones(n, bool)
    combined = np.zeros(n, np.uint64)
    for i in positions:
        keys, comp = identity_keys(fields[i], casts[i], columns[i])
        is_none = ~valid[i]
        all_none &= is_none
        comparable &= comp | is_none
        keys = np.where(is_none, NONE_KEY, keys)
        if len(positions) == 1:
            combined = keys
        else:
            combined = _mix(_mix(combined, keys), is_none.astype(np.uint64))
    return combined, all_none, comparable


class ForeignKeyChecker:
    """Checks every foreign key of a schema, chunk after chunk."""

    def __init__(
        self, schema: Schema, fields: list[Field], log: ErrorLog, references: References | None
    ) -> None:
        self.log = log
        self.fields = fields
        names = [f.name for f in fields]
        self.keys: list[tuple[ForeignKey, list[int], list[int] | None, Any]] = []
        references = references or {}
        for fk in schema.foreign_keys:
            if not set(fk.fields) <= set(names):
                continue  # frictionless skips a key whose columns are not in the header
            positions = [names.index(n) for n in fk.fields]
            if fk.resource == "":
                if not set(fk.reference_fields) <= set(names):
                    continue
                ref_positions = [names.index(n) for n in fk.reference_fields]
                self.keys.append((fk, positions, ref_positions, None))
            else:
                if fk.resource not in references:
                    known = ", ".join(sorted(references)) or "none"
                    raise SchemaError(
                        f'a foreign key refers to the resource "{fk.resource}", which is not '
                        f"known here (known resources: {known})"
                    )
                allowed = {tuple(str(v) for v in key) for key in references[fk.resource]}
                self.keys.append((fk, positions, None, allowed))
        self._refs: list[list[np.ndarray]] = [[] for _ in self.keys]
        self._pending: list[list[tuple[np.ndarray, np.ndarray, list[list[Any]]]]] = [
            [] for _ in self.keys
        ]

    def check(
        self,
        columns: list[pa.Array],
        casts: list[Cast],
        valid: list[np.ndarray],
        rows: np.ndarray,
        keep: np.ndarray,
    ) -> None:
        """Check external keys now; remember self-reference keys for :meth:`finish`."""
        for k, (fk, positions, ref_positions, allowed) in enumerate(self.keys):
            if allowed is not None:
                self._check_external(fk, positions, allowed, columns, valid, rows, keep)
                continue
            assert ref_positions is not None
            ref, ref_none, _ = combined_keys(ref_positions, self.fields, casts, valid, columns)
            self._refs[k].append(ref[~ref_none])
            key, none, comparable = combined_keys(positions, self.fields, casts, valid, columns)
            take = np.flatnonzero(~none & keep)
            cells = [_texts(columns[i], valid[i], take) for i in positions]
            comparable_rows = comparable[take]
            self._pending[k].append(
                (rows[take], np.where(comparable_rows, key[take], NONE_KEY ^ np.uint64(1)), cells)
            )

    def _check_external(
        self,
        fk: ForeignKey,
        positions: list[int],
        allowed: set[tuple[str, ...]],
        columns: list[pa.Array],
        valid: list[np.ndarray],
        rows: np.ndarray,
        keep: np.ndarray,
    ) -> None:
        none = np.logical_and.reduce([~valid[i] for i in positions], dtype=bool)
        check = ~none & keep
        if len(positions) == 1:
            values = pa.array([key[0] for key in allowed], pa.string())
            found = bool_mask(pc.is_in(columns[positions[0]], values))
            bad = np.flatnonzero(check & ~found)
        else:
            idx = np.flatnonzero(check)
            texts = [columns[i].take(pa.array(idx)).to_pylist() for i in positions]
            bad = idx[[tuple(t) not in allowed for t in zip(*texts, strict=True)]]
            bad = bad.astype(np.int64)
        if len(bad):
            cells = [_texts(columns[i], valid[i], bad) for i in positions]
            self._emit(fk, rows[bad], cells)

    def finish(self) -> None:
        """Report self-referencing keys that no row of the table holds."""
        for k, (fk, _, ref_positions, _) in enumerate(self.keys):
            if ref_positions is None:
                continue
            refs = np.unique(np.concatenate(self._refs[k])) if self._refs[k] else np.zeros(0)
            for rows, keys, cells in self._pending[k]:
                missing = ~np.isin(keys, refs)
                if missing.any():
                    picked = np.flatnonzero(missing)
                    self._emit(fk, rows[picked], [[c[p] for p in picked] for c in cells])
            self._pending[k] = []
            self._refs[k] = []

    def _emit(self, fk: ForeignKey, rows: np.ndarray, cells: list[list[Any]]) -> None:
        target = "" if fk.resource == "" else fk.resource
        notes = np.array(
            [
                f'for "{", ".join(fk.fields)}": values "{", ".join(str(c) for c in values)}" '
                f'not found in the lookup table "{target}" as "{", ".join(fk.reference_fields)}"'
                for values in zip(*cells, strict=True)
            ][: self.log.limit],
            dtype=object,
        )
        params = [
            {"keyFields": list(fk.fields), "keyValues": list(values), "reference": target}
            for values in list(zip(*cells, strict=True))[: self.log.limit]
        ]
        self.log.add(Batch("foreign-key", rows, None, None, None, None, notes, params))


def _texts(column: pa.Array, valid: np.ndarray, take: np.ndarray) -> list[Any]:
    """Cell texts at ``take`` (None where the cell is missing or unparsable), for notes."""
    texts = column.take(pa.array(take, pa.int64())).to_pylist()
    return [t if ok else None for t, ok in zip(texts, valid[take], strict=True)]
