"""Plausibility warnings: values that parse but look wrong. They never make a file invalid.

Three rules:

* **jump** — ``previous={key_tuple: value}`` holds earlier published values per key (key
  tuples of the raw cell texts of ``previous_keys`` columns). With ``previous_period`` (a
  column holding years, quarters ``2026-Q1``, months ``2026-01`` or first days of months),
  the keys end with the canonical period, and a sub-annual value is judged against the
  same period a year earlier, otherwise against the previous period; a yearly value against
  the year before. A value whose relative change exceeds ``jump_tolerance`` (0.5 = ±50 %)
  is reported (``jump-warning``). Zero and missing values are skipped.
* **totals** — ``"x-ddms": {"totals": [{"total": "t", "parts": ["a", "b"], "tolerance": 0.5}]}``
  says that, in every row, ``t`` equals ``a + b`` within ``tolerance`` (absolute; default
  1e-9 of the total, to absorb float rounding).
* **totals across rows** — ``hierarchy={parent code: [child codes]}`` with
  ``"x-ddms": {"hierarchy": {"territory": "t", "value": "v", "by": ["month"],
  "dimensions": ["sex"], "tolerance": 0.005}}``: within each group of ``by`` columns, a
  parent's value equals the sum of its children's (when every child is in the file), and a
  ``_T`` row of each listed dimension equals the sum of the other codes' rows, within
  ``tolerance`` (relative to the total). One ``total-warning`` names all the rows.

Rows where a compared value is missing or not a number are skipped (their errors are
reported elsewhere).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

from .casting import Caster
from .exceptions import SchemaError
from .reader import Chunk
from .report import Batch, ErrorLog, make_error
from .schema import Field

KEY_SEPARATOR = "\x1f"  # unit separator: cannot appear in a sensible key cell
DEFAULT_JUMP_TOLERANCE = 0.5
DEFAULT_TOTAL_TOLERANCE = 0.005
TOTAL_CODE = "_T"
# Rows remembered for the totals across rows; beyond, the rule stops (memory stays bounded).
MAX_TRACKED_ROWS = 500_000

_YEAR = re.compile(r"^(\d{4})(?:\.0)?$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-?M?(0[1-9]|1[0-2])(?:-01)?$")


def canonical_period(raw: Any) -> tuple[str, int, int] | None:
    """(canonical text, year, sub-period) — sub-period 0 for a year; None if not a period."""
    text = str(raw).strip().upper()
    if m := _YEAR.match(text):
        return m.group(1), int(m.group(1)), 0
    if m := _QUARTER.match(text):
        return f"{m.group(1)}-Q{m.group(2)}", int(m.group(1)), int(m.group(2))
    if m := _MONTH.match(text):
        return f"{m.group(1)}-{m.group(2)}", int(m.group(1)), int(m.group(2))
    return None


def comparable_periods(raw: Any) -> list[tuple[str, str]]:
    """The periods a value is judged against, best first: (period, "year-earlier"|"previous")."""
    parsed = canonical_period(raw)
    if parsed is None:
        return []
    text, year, sub = parsed
    if sub == 0:
        return [(str(year - 1), "previous")]
    if "Q" in text:
        before = f"{year - 1}-Q4" if sub == 1 else f"{year}-Q{sub - 1}"
        return [(f"{year - 1}-Q{sub}", "year-earlier"), (before, "previous")]
    before = f"{year - 1}-12" if sub == 1 else f"{year}-{sub - 1:02d}"
    return [(f"{year - 1}-{sub:02d}", "year-earlier"), (before, "previous")]


class PlausibilityChecker:
    """Evaluates the plausibility rules chunk by chunk (totals across rows at the end)."""

    def __init__(
        self,
        fields: list[Field],
        extension: dict[str, Any],
        log: ErrorLog,
        *,
        previous: dict[tuple[Any, ...], Any] | None,
        previous_keys: list[str] | None,
        previous_field: str | None,
        previous_period: str | None = None,
        jump_tolerance: float = DEFAULT_JUMP_TOLERANCE,
        hierarchy: dict[str, list[str]] | None = None,
    ) -> None:
        self.log = log
        self.index = {f.name: i for i, f in enumerate(fields)}
        self.fields = fields
        self.jump_tolerance = float(jump_tolerance)
        self.previous = None
        prev_cfg = extension.get("previous", {})
        keys = previous_keys or prev_cfg.get("keys")
        target = previous_field or prev_cfg.get("field")
        self.previous_period = previous_period or prev_cfg.get("period")
        if previous and not (keys and target):
            raise SchemaError(
                "previous values were given without previous_keys and previous_field "
                '(or "x-ddms": {"previous": {"keys": [...], "field": ...}})'
            )
        if previous and keys and target:
            wanted = [*keys, target] + ([self.previous_period] if self.previous_period else [])
            missing = [c for c in wanted if c not in self.index]
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
        self.across = self._across_rule(extension.get("hierarchy"), hierarchy or {})
        # group key -> {(territory, dimension codes...): (value, row)}
        self._groups: dict[tuple[str, ...], dict[tuple[str, ...], tuple[float, int]]] = defaultdict(
            dict
        )
        self._tracked = 0

    def _across_rule(self, config: Any, hierarchy: dict[str, list[str]]) -> dict[str, Any] | None:
        if not isinstance(config, dict):
            return None
        territory, value = config.get("territory"), config.get("value")
        by = [c for c in config.get("by", []) if c in self.index]
        dimensions = [c for c in config.get("dimensions", []) if c in self.index]
        if value not in self.index or (territory is not None and territory not in self.index):
            return None
        if not hierarchy and not dimensions:
            return None
        return {
            "territory": territory,
            "value": value,
            "by": by,
            "dimensions": dimensions,
            "tolerance": float(config.get("tolerance", DEFAULT_TOTAL_TOLERANCE)),
            "hierarchy": hierarchy if territory else {},
        }

    def _numbers(self, chunk: Chunk, name: str) -> np.ndarray:
        column = chunk.columns[self.index[name]]
        field = self.fields[self.index[name]]
        caster = Caster(field) if field.type in ("integer", "number") else self._number
        cast = caster.cast(column)
        values = np.asarray(cast.values, dtype=np.float64)
        return np.where(cast.ok, values, np.nan)

    def _texts(self, chunk: Chunk, name: str) -> pd.Series:
        return pd.Series(chunk.columns[self.index[name]].to_pandas(), dtype=object).str.strip()

    def check(self, chunk: Chunk) -> None:
        """Add this chunk's warnings to the log."""
        rows = chunk.row_numbers
        if self.previous is not None:
            self._check_jumps(chunk, rows)
        for rule in self.totals:
            self._check_total(chunk, rows, rule)
        if self.across is not None:
            self._track(chunk, rows)

    def _check_jumps(self, chunk: Chunk, rows: np.ndarray) -> None:
        parts = [self._texts(chunk, k).astype(str) for k in self.previous_keys]
        joined = parts[0]
        for p in parts[1:]:
            joined = joined + KEY_SEPARATOR + p
        n = len(rows)
        before = np.full(n, np.nan)
        compared = np.empty(n, dtype=object)
        if self.previous_period:
            periods = self._texts(chunk, self.previous_period)
            candidates = [comparable_periods(p) for p in periods]
            for rank in (0, 1):
                period = pd.Series(
                    [c[rank][0] if len(c) > rank else "" for c in candidates], dtype=object
                )
                found = (joined + KEY_SEPARATOR + period).map(self.previous)
                found = found.to_numpy(dtype=np.float64, na_value=np.nan)
                take = np.isnan(before) & ~np.isnan(found)
                before[take] = found[take]
                for p in np.flatnonzero(take):
                    compared[p] = candidates[p][rank]
        else:
            before = joined.map(self.previous).to_numpy(dtype=np.float64, na_value=np.nan)
        now = self._numbers(chunk, self.previous_field)
        with np.errstate(divide="ignore", invalid="ignore"):
            change = np.abs(now / before - 1)
            jump = change > self.jump_tolerance
        jump &= np.isfinite(change) & (now != 0) & (before != 0)
        positions = np.flatnonzero(jump)
        if not len(positions):
            return
        shown = positions[: self.log.limit]
        notes = np.empty(len(shown), dtype=object)
        params = []
        for j, p in enumerate(shown):
            period, kind = compared[p] if compared[p] is not None else ("", "")
            notes[j] = (
                f"changed by {change[p]:.0%} against the earlier value {before[p]:g}"
                + (f" of {period}" if period else "")
                + f" (tolerance {self.jump_tolerance:.0%})"
            )
            params.append(
                {
                    "values": [float(now[p])],
                    "expected": float(before[p]),
                    "tolerance": self.jump_tolerance,
                    "comparedPeriod": period or None,
                    "comparison": kind or None,
                    "rowNumbers": [int(rows[p])],
                }
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
                params,
            )
        )

    def _check_total(self, chunk: Chunk, rows: np.ndarray, rule: dict[str, Any]) -> None:
        total = self._numbers(chunk, rule["total"])
        part_values = [self._numbers(chunk, p) for p in rule["parts"]]
        parts = np.sum(part_values, axis=0)
        tolerance = rule.get("tolerance")
        allowed = np.abs(total) * 1e-9 if tolerance is None else float(tolerance)
        with np.errstate(invalid="ignore"):
            wrong = np.abs(total - parts) > allowed
        wrong &= ~np.isnan(total) & ~np.isnan(parts)
        positions = np.flatnonzero(wrong)
        if len(positions):
            shown = positions[: self.log.limit]
            notes = np.array(
                [
                    f"{total[p]:g} differs from {' + '.join(rule['parts'])} = {parts[p]:g}"
                    for p in shown
                ],
                dtype=object,
            )
            params = [
                {
                    "values": [float(v[p]) for v in part_values],
                    "expected": float(parts[p]),
                    "rowNumbers": [int(rows[p])],
                    "keyFields": list(rule["parts"]),
                }
                for p in shown
            ]
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
                    params,
                )
            )

    def _track(self, chunk: Chunk, rows: np.ndarray) -> None:
        rule = self.across
        assert rule is not None
        if self._tracked >= MAX_TRACKED_ROWS:
            return
        values = self._numbers(chunk, rule["value"])
        by = [self._texts(chunk, c).astype(str).tolist() for c in rule["by"]]
        names = ([rule["territory"]] if rule["territory"] else []) + rule["dimensions"]
        codes = [self._texts(chunk, c).astype(str).tolist() for c in names]
        for p in np.flatnonzero(~np.isnan(values)):
            group = tuple(col[p] for col in by)
            self._groups[group][tuple(col[p] for col in codes)] = (float(values[p]), int(rows[p]))
            self._tracked += 1
            if self._tracked >= MAX_TRACKED_ROWS:
                return

    def finish(self) -> None:
        """Totals across rows, once every row has been seen."""
        rule = self.across
        if rule is None:
            return
        entries = []
        offset = 1 if rule["territory"] else 0
        for cells in self._groups.values():
            if rule["territory"]:
                for parent, children in rule["hierarchy"].items():
                    for key, (total, row) in cells.items():
                        if key[0] != parent:
                            continue
                        found = [cells.get((child, *key[1:])) for child in children]
                        parts = [part for part in found if part is not None]
                        if children and len(parts) == len(children):
                            entries += self._compare(total, row, parts, rule)
            for d, _name in enumerate(rule["dimensions"]):
                position = offset + d
                for key, (total, row) in cells.items():
                    if key[position] != TOTAL_CODE:
                        continue
                    parts = [
                        v
                        for other, v in cells.items()
                        if other[position] != TOTAL_CODE
                        and other[:position] + other[position + 1 :]
                        == key[:position] + key[position + 1 :]
                    ]
                    if parts:
                        entries += self._compare(total, row, parts, rule)
        self._groups.clear()
        entries.sort(key=lambda e: e["rowNumber"])
        self.log.add_entries(entries)

    def _compare(
        self, total: float, row: int, parts: list[tuple[float, int]], rule: dict[str, Any]
    ) -> list[dict[str, Any]]:
        expected = float(sum(v for v, _ in parts))
        if abs(total - expected) <= rule["tolerance"] * max(abs(total), abs(expected), 1e-12):
            return []
        part_rows = sorted(r for _, r in parts)
        values = [v for v, _ in sorted(parts, key=lambda vr: vr[1])]
        field = rule["value"]
        return [
            make_error(
                "total-warning",
                rowNumber=row,
                fieldName=field,
                fieldNumber=self.index[field] + 1,
                cell=f"{total:g}",
                note=(
                    f"{total:g} differs from the sum {expected:g} of rows "
                    f"{', '.join(map(str, part_rows))}"
                ),
                rowNumbers=[row, *part_rows],
                values=values,
                expected=expected,
                tolerance=rule["tolerance"],
            )
        ]
