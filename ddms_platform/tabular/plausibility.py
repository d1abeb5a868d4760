"""Plausibility warnings: values that parse but look wrong. They never make a file invalid.

Two rules, both vectorised per chunk:

* **jump** — ``previous={key_tuple: value}`` holds the last published value per key (key
  tuples of the raw cell texts of ``previous_keys`` columns); a value more than
  ``jump_factor`` times larger or smaller than the previous one is reported
  (``jump-warning``). Zero and missing values are skipped, since a ratio says nothing there.
* **totals** — a schema extension ``"x-ddms": {"totals": [{"total": "t", "parts": ["a", "b"],
  "tolerance": 0.5}]}`` says that, in every row, ``t`` equals ``a + b`` within ``tolerance``
  (default 1e-9 relative to the total, to absorb float rounding); rows where any of the
  columns is missing or not a number are skipped (their errors are reported elsewhere).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .casting import Caster
from .exceptions import SchemaError
from .reader import Chunk
from .report import Batch, ErrorLog
from .schema import Field

KEY_SEPARATOR = "\x1f"  # unit separator: cannot appear in a sensible key cell


class PlausibilityChecker:
    """Evaluates the jump and totals rules chunk by chunk."""

    def __init__(
        self,
        fields: list[Field],
        extension: dict[str, Any],
        log: ErrorLog,
        *,
        previous: dict[tuple[Any, ...], Any] | None,
        previous_keys: list[str] | None,
        previous_field: str | None,
        jump_factor: float,
    ) -> None:
        self.log = log
        self.index = {f.name: i for i, f in enumerate(fields)}
        self.fields = fields
        self.jump_factor = jump_factor
        self.previous = None
        prev_cfg = extension.get("previous", {})
        keys = previous_keys or prev_cfg.get("keys")
        target = previous_field or prev_cfg.get("field")
        if previous and not (keys and target):
            raise SchemaError(
                "previous values were given without previous_keys and previous_field "
                '(or "x-ddms": {"previous": {"keys": [...], "field": ...}})'
            )
        if previous and keys and target:
            missing = [c for c in [*keys, target] if c not in self.index]
            if missing:
                raise SchemaError(f"previous-value columns not in the file: {', '.join(missing)}")
            self.previous_keys = list(keys)
            self.previous_field = target
            # one vectorised lookup per chunk: the key tuple becomes one joined string
            self.previous = pd.Series(
                {KEY_SEPARATOR.join(str(p) for p in k): float(v) for k, v in previous.items()},
                dtype="float64",
            )
        self.totals = [
            r
            for r in extension.get("totals", [])
            if all(c in self.index for c in [r["total"], *r["parts"]])
        ]
        self._number = Caster(Field(name="_", type="number"))

    def _numbers(self, chunk: Chunk, name: str) -> np.ndarray:
        column = chunk.columns[self.index[name]]
        field = self.fields[self.index[name]]
        caster = Caster(field) if field.type in ("integer", "number") else self._number
        cast = caster.cast(column)
        values = np.asarray(cast.values, dtype=np.float64)
        return np.where(cast.ok, values, np.nan)

    def check(self, chunk: Chunk) -> None:
        """Add this chunk's warnings to the log."""
        rows = chunk.row_numbers
        if self.previous is not None:
            self._check_jumps(chunk, rows)
        for rule in self.totals:
            self._check_total(chunk, rows, rule)

    def _check_jumps(self, chunk: Chunk, rows: np.ndarray) -> None:
        parts = [
            pd.Series(chunk.columns[self.index[k]].to_pandas(), dtype=object).str.strip()
            for k in self.previous_keys
        ]
        joined = parts[0].astype(str)
        for p in parts[1:]:
            joined = joined + KEY_SEPARATOR + p.astype(str)
        before = joined.map(self.previous).to_numpy(dtype=np.float64, na_value=np.nan)
        now = self._numbers(chunk, self.previous_field)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.abs(now / before)
            jump = (ratio > self.jump_factor) | (ratio < 1 / self.jump_factor)
        jump &= np.isfinite(ratio) & (now != 0) & (before != 0)
        positions = np.flatnonzero(jump)
        if len(positions):
            notes = np.array(
                [
                    f"changed by a factor of {max(ratio[p], 1 / ratio[p]):.1f} against the previous value {before[p]:g} (limit {self.jump_factor:g})"
                    for p in positions[: self.log.limit]
                ],
                dtype=object,
            )
            i = self.index[self.previous_field]
            self.log.add(
                Batch(
                    "jump-warning",
                    rows[positions],
                    i + 1,
                    self.previous_field,
                    chunk.columns[i],
                    positions,
                    notes,
                )
            )

    def _check_total(self, chunk: Chunk, rows: np.ndarray, rule: dict[str, Any]) -> None:
        total = self._numbers(chunk, rule["total"])
        parts = np.sum([self._numbers(chunk, p) for p in rule["parts"]], axis=0)
        tolerance = rule.get("tolerance")
        allowed = np.abs(total) * 1e-9 if tolerance is None else float(tolerance)
        with np.errstate(invalid="ignore"):
            wrong = np.abs(total - parts) > allowed
        wrong &= ~np.isnan(total) & ~np.isnan(parts)
        positions = np.flatnonzero(wrong)
        if len(positions):
            notes = np.array(
                [
                    f"{total[p]:g} differs from {' + '.join(rule['parts'])} = {parts[p]:g}"
                    for p in positions[: self.log.limit]
                ],
                dtype=object,
            )
            i = self.index[rule["total"]]
            self.log.add(
                Batch(
                    "total-warning",
                    rows[positions],
                    i + 1,
                    rule["total"],
                    chunk.columns[i],
                    positions,
                    notes,
                )
            )
