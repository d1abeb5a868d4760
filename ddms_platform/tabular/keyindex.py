"""Bounded-memory duplicate detection for unique fields and primary keys.

Each distinct key is stored once as a 64-bit identity (the integer itself for integer-like
types, a 64-bit hash otherwise) plus the row where it first occurred: 12 bytes per distinct
key, never the raw values. Keys live in sorted runs merged like a log-structured merge
tree, so adding a chunk costs O(n log n) and lookups are binary searches. Runs larger than
``spill_keys`` move to memory-mapped temporary files, letting the OS page them out, so
resident memory no longer grows with the file beyond that point.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

DEFAULT_SPILL_KEYS = 1_000_000


class KeyIndex:
    """Remembers 64-bit keys with the row of their first occurrence."""

    def __init__(self, spill_keys: int = DEFAULT_SPILL_KEYS) -> None:
        self.spill_keys = spill_keys
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []
        self._tmpdir: tempfile.TemporaryDirectory[str] | None = None

    def __len__(self) -> int:
        return sum(len(keys) for keys, _ in self.runs)

    def add(self, keys: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Record ``keys`` seen at ``rows`` (ascending); return ``(dup_positions, first_rows)``.

        ``dup_positions`` indexes the keys that were seen before (earlier in this batch or in
        a previous one), ascending; ``first_rows`` gives the row of each one's first occurrence.
        """
        keys = np.asarray(keys, dtype=np.uint64)
        if not len(keys):
            return np.empty(0, np.int64), np.empty(0, np.int64)
        rows = np.asarray(rows, dtype=np.int64)
        if len(keys) < 2 or bool(np.all(keys[1:] >= keys[:-1])):
            # already ascending (sequential ids, the common primary key): no sort needed
            order = np.arange(len(keys))
            k, r = keys, rows
        else:
            order = np.argsort(keys, kind="stable")
            k = keys[order]
            r = rows[order]
        first = np.empty(len(k), dtype=bool)
        first[0] = True
        first[1:] = k[1:] != k[:-1]
        if first.all():
            # no repeats inside the batch (the usual case): only earlier batches can match
            found, stored = self._lookup(k)
            self._push(k[~found], r[~found])
            positions = order[found]
            back = np.argsort(positions, kind="stable")
            return positions[back], stored[found][back]
        group = np.cumsum(first) - 1
        first_pos = np.flatnonzero(first)
        group_keys = k[first_pos]
        group_rows = r[first_pos]
        found, stored = self._lookup(group_keys)
        ref_rows = np.where(found, stored, group_rows)
        dup_sorted = ~first | found[group]
        positions = order[dup_sorted]
        refs = ref_rows[group[dup_sorted]]
        back = np.argsort(positions, kind="stable")
        new = ~found
        self._push(group_keys[new], group_rows[new])
        return positions[back], refs[back]

    def _lookup(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        found = np.zeros(len(queries), dtype=bool)
        stored = np.zeros(len(queries), dtype=np.int64)
        for run_keys, run_rows in self.runs:
            # only queries inside the run's range can hit: for ascending ids that is none,
            # which skips the binary searches (and, for spilled runs, the page reads)
            inside = np.flatnonzero((queries >= run_keys[0]) & (queries <= run_keys[-1]))
            if not len(inside):
                continue
            subset = queries[inside]
            pos = np.searchsorted(run_keys, subset)
            hit = run_keys[np.minimum(pos, len(run_keys) - 1)] == subset
            found[inside[hit]] = True
            stored[inside[hit]] = run_rows[pos[hit]]
        return found, stored

    def _push(self, keys: np.ndarray, rows: np.ndarray) -> None:
        if not len(keys):
            return
        self.runs.append((keys, rows.astype(np.uint32)))
        # Merge while the previous run is not much larger (keeps O(log n) runs) and not yet
        # spilled: spilled runs are frozen, so merging never pulls them back into memory.
        while (
            len(self.runs) > 1
            and not isinstance(self.runs[-2][0], np.memmap)
            and len(self.runs[-2][0]) <= 2 * len(self.runs[-1][0])
        ):
            (k2, r2), (k1, r1) = self.runs.pop(), self.runs.pop()
            merged_keys = np.concatenate([k1, k2])
            merged_rows = np.concatenate([r1, r2])
            if k1[-1] < k2[0]:
                merged = (merged_keys, merged_rows)  # disjoint ranges: already sorted
            else:
                order = np.argsort(merged_keys, kind="stable")
                merged = (merged_keys[order], merged_rows[order])
            self.runs.append(self._maybe_spill(*merged))

    def _maybe_spill(self, keys: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if len(keys) < self.spill_keys:
            return keys, rows
        if self._tmpdir is None:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="ddms-keys-")
        out = []
        for array in (keys, rows):
            fd, name = tempfile.mkstemp(dir=self._tmpdir.name)
            with os.fdopen(fd, "wb") as fh:
                array.tofile(fh)
            # a fresh read-only mapping: pages are loaded on demand and can be dropped by
            # the OS at any time (row numbers are only read for duplicates)
            out.append(np.memmap(name, dtype=array.dtype, mode="r", shape=array.shape))
        return out[0], out[1]

    def close(self) -> None:
        """Drop the runs and remove spilled files."""
        self.runs = []
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None
