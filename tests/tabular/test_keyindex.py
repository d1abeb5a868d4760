"""Bounded memory for unique / primary-key tracking: 64-bit identities, never raw values."""

import numpy as np

from ddms_platform.tabular import validate
from ddms_platform.tabular.keyindex import KeyIndex


def test_it_finds_duplicates_within_and_across_batches():
    index = KeyIndex()
    dup, first = index.add(np.array([5, 7, 5], dtype=np.uint64), np.array([2, 3, 4]))
    assert dup.tolist() == [2] and first.tolist() == [2]
    dup, first = index.add(np.array([9, 7, 7], dtype=np.uint64), np.array([5, 6, 7]))
    assert dup.tolist() == [1, 2] and first.tolist() == [3, 3]
    assert len(index) == 3


def test_it_stores_only_fixed_size_identities_per_distinct_key():
    index = KeyIndex()
    for start in range(0, 10_000, 100):
        keys = np.arange(start, start + 100, dtype=np.uint64) % 5_000
        index.add(keys, np.arange(start, start + 100))
    assert len(index) == 5_000
    for keys, rows in index.runs:
        assert keys.dtype == np.uint64 and rows.dtype == np.uint32
    # a few sorted runs, not one entry per chunk
    assert len(index.runs) <= 14


def test_it_spills_large_runs_to_memory_mapped_files():
    index = KeyIndex(spill_keys=1_000)
    for start in range(0, 5_000, 500):
        index.add(np.arange(start, start + 500, dtype=np.uint64), np.arange(start, start + 500))
    assert any(isinstance(keys, np.memmap) for keys, _ in index.runs)
    dup, first = index.add(np.array([10, 4_999], dtype=np.uint64), np.array([9_000, 9_001]))
    assert dup.tolist() == [0, 1] and first.tolist() == [10, 4_999]
    index.close()


def test_unique_tracking_keeps_hashes_not_the_text_of_values(write, monkeypatch):
    seen = []
    original = KeyIndex.add

    def spy(self, keys, rows):
        seen.append(keys.dtype)
        return original(self, keys, rows)

    monkeypatch.setattr(KeyIndex, "add", spy)
    rows = "".join(f"{i},name {i % 7}\n" for i in range(200))
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "s", "constraints": {"unique": True}},
        ]
    }
    report = validate(write("id,s\n" + rows), schema, chunk_rows=16)
    assert report["error_counts"] == {"unique-error": 193}
    assert seen and all(dtype == np.uint64 for dtype in seen)


def test_it_reports_repeats_of_earlier_batches_in_input_order():
    index = KeyIndex()
    index.add(np.array([30, 10, 20], dtype=np.uint64), np.array([2, 3, 4]))
    dup, first = index.add(np.array([40, 20, 5, 30], dtype=np.uint64), np.array([5, 6, 7, 8]))
    assert dup.tolist() == [1, 3] and first.tolist() == [4, 2]
