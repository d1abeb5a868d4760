"""Benchmark of the tabular validation engine against frictionless and a bare pyarrow read.

    python benchmarks/validation.py [--rows 1000000] [--frictionless-rows 100000]

Generates an 8-column CSV with ~1% errors of several kinds in a temp dir, then times, each
in a fresh subprocess (peak memory = the child's VmHWM): our ``validate``, a bare
``pyarrow.csv.read_csv`` of the same file, and ``frictionless.validate`` on the first
``--frictionless-rows`` rows (extrapolated linearly to the full file, labelled as such).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

# benchmarks/http.py would shadow the standard library's http: keep this folder off the path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent), *(p for p in sys.path if Path(p or ".").resolve() != _HERE)]

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.csv as pacsv  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True}},
        {"name": "period", "type": "date"},
        {
            "name": "territory",
            "type": "string",
            "constraints": {"required": True, "pattern": "UA[0-9]{6}"},
        },
        {"name": "value", "type": "number", "constraints": {"minimum": 0}},
        {
            "name": "unit",
            "type": "string",
            "constraints": {"enum": ["persons", "households", "percent", "uah"]},
        },
        {"name": "comment", "type": "string", "constraints": {"maxLength": 40}},
        {"name": "provisional", "type": "boolean"},
        {"name": "count", "type": "integer", "constraints": {"minimum": 0, "maximum": 1000000}},
    ],
    "primaryKey": ["id"],
}


def _column(rng: np.random.Generator, start: int, n: int) -> dict[str, np.ndarray]:
    ids = np.arange(start + 1, start + n + 1).astype(str).astype(object)
    days = rng.integers(0, 3650, n)
    period = (np.datetime64("2015-01-01") + days).astype(str).astype(object)
    territory = np.char.add("UA", rng.integers(100000, 999999, n).astype(str)).astype(object)
    value = np.round(rng.random(n) * 10000, 2).astype(str).astype(object)
    unit = np.array(["persons", "households", "percent", "uah"], dtype=object)[
        rng.integers(0, 4, n)
    ]
    comment = np.array(
        ["", "estimate", "revised after census", "source: municipal register"], dtype=object
    )[rng.integers(0, 4, n)]
    provisional = np.array(["true", "false"], dtype=object)[rng.integers(0, 2, n)]
    count = rng.integers(0, 1000000, n).astype(str).astype(object)
    cols = {
        "id": ids,
        "period": period,
        "territory": territory,
        "value": value,
        "unit": unit,
        "comment": comment,
        "provisional": provisional,
        "count": count,
    }
    # ~1% of rows get one error each, spread over several kinds
    bad = np.flatnonzero(rng.random(n) < 0.01)
    kinds = rng.integers(0, 8, len(bad))
    for row, kind in zip(bad, kinds, strict=True):
        if kind == 0:
            cols["id"][row] = str(start + max(1, row - 5))  # duplicate primary key
        elif kind == 1:
            cols["period"][row] = "2021-02-30"
        elif kind == 2:
            cols["territory"][row] = "XX12"
        elif kind == 3:
            cols["value"][row] = "12,5"
        elif kind == 4:
            cols["unit"][row] = "kg"
        elif kind == 5:
            cols["comment"][row] = "x" * 50
        elif kind == 6:
            cols["provisional"][row] = "maybe"
        else:
            cols["count"][row] = "-3"
    return cols


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write the benchmark CSV in 1M-row pieces (bounded memory at any size)."""
    rng = np.random.default_rng(seed)
    options = pacsv.WriteOptions(quoting_style="needed")
    with pacsv.CSVWriter(
        path,
        schema=pa.schema([(n["name"], pa.string()) for n in SCHEMA["fields"]]),
        write_options=options,
    ) as w:
        for start in range(0, rows, 1_000_000):
            n = min(1_000_000, rows - start)
            cols = _column(rng, start, n)
            w.write_table(pa.table({k: pa.array(v, pa.string()) for k, v in cols.items()}))


CHILD = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, {root!r})
    kind, path, schema = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    # imports happen before the clock starts: we time the work, not pandas' import
    if kind == "ours":
        from ddms_platform.tabular import validate
    elif kind == "pyarrow":
        import pyarrow.csv as pacsv
    elif kind == "openpyxl":
        import openpyxl
    else:
        import frictionless
    t = time.perf_counter()
    cpu = time.process_time()  # all threads: steadier than wall time on a shared machine
    if kind == "ours":
        report = validate(path, schema)
        extra = {{"valid": report["valid"], "error_counts": report["error_counts"], "rows": report["stats"]["rows"]}}
    elif kind == "pyarrow":
        table = pacsv.read_csv(path)
        extra = {{"rows": table.num_rows}}
    elif kind == "openpyxl":
        # the bare pass: every cell of the first sheet, read-only, values only
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True)) - 1
        workbook.close()
        extra = {{"rows": rows}}
    else:
        report = frictionless.validate(path, schema=frictionless.Schema.from_descriptor(schema), limit_errors=10**9)
        task = report.tasks[0]
        extra = {{"valid": report.valid, "rows": task.stats.get("rows"), "errors": [e.message for e in task.errors[:3]]}}
    elapsed = time.perf_counter() - t
    cpu = time.process_time() - cpu
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
    print(json.dumps({{"seconds": elapsed, "cpu": cpu, "peak_mb": int(hwm) / 1024, **extra}}))
    """
)


def generate_xlsx(source: Path, path: Path, rows: int) -> None:
    """The first ``rows`` rows of the CSV as a workbook (typed cells, as Excel saves them)."""
    import datetime as dt

    import openpyxl

    table = pacsv.read_csv(source, read_options=pacsv.ReadOptions(block_size=1 << 20)).slice(
        0, rows
    )
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(table.column_names)

    def cell(name: str, value: object) -> object:
        if name == "period" and isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)  # a date cell, as a person types it
            except ValueError:
                return value  # the file's deliberate errors stay text
        return value

    for record in table.to_pylist():
        sheet.append([cell(k, v) for k, v in record.items()])
    workbook.save(path)


def run(kind: str, path: Path, repeat: int = 1) -> dict:
    """Best of ``repeat`` runs, each in a fresh interpreter (the machine may be shared)."""
    results = [_run_once(kind, path) for _ in range(repeat)]
    best = min(results, key=lambda r: r["seconds"])
    best["peak_mb"] = max(r["peak_mb"] for r in results)
    best["all_seconds"] = [round(r["seconds"], 2) for r in results]
    best["cpu"] = min(r["cpu"] for r in results)
    return best


def _run_once(kind: str, path: Path) -> dict:
    code = CHILD.format(root=str(ROOT))
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        # frictionless refuses absolute paths as unsafe: run in the file's directory
        [sys.executable, "-c", code, kind, path.name, json.dumps(SCHEMA)],
        cwd=path.parent,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"{kind} run failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Generate the file, run the three measurements and print the figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--frictionless-rows", type=int, default=100_000)
    parser.add_argument("--skip-frictionless", action="store_true")
    parser.add_argument(
        "--xlsx-rows", type=int, default=100_000, help="rows of the XLSX figure (0: skip)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per measurement; the best is kept"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ddms-bench-") as tmp:
        path = Path(tmp) / "data.csv"
        t = time.perf_counter()
        generate(path, args.rows)
        size_mb = os.path.getsize(path) / 1e6
        print(
            f"generated {args.rows:,} rows, {size_mb:.0f} MB in {time.perf_counter() - t:.1f}s: {path}"
        )
        ours = run("ours", path, args.repeat)
        print(
            f"ours:         {ours['seconds']:.2f}s (runs {ours['all_seconds']}, cpu {ours['cpu']:.2f}s)  peak {ours['peak_mb']:.0f} MB  rows {ours['rows']:,}  {ours['error_counts']}"
        )
        bare = run("pyarrow", path, args.repeat)
        print(
            f"pyarrow read: {bare['seconds']:.2f}s (runs {bare['all_seconds']}, cpu {bare['cpu']:.2f}s)  peak {bare['peak_mb']:.0f} MB  (read_csv, default options)"
        )
        print(
            f"ratio ours / bare pyarrow read: {ours['seconds'] / bare['seconds']:.2f}x wall "
            f"(target <= 2x), {ours['cpu'] / bare['cpu']:.2f}x CPU"
        )
        if args.xlsx_rows:
            workbook = Path(tmp) / "data.xlsx"
            generate_xlsx(path, workbook, min(args.xlsx_rows, args.rows))
            ours_x = run("ours", workbook, args.repeat)
            bare_x = run("openpyxl", workbook, args.repeat)
            print(
                f"xlsx ours:    {ours_x['seconds']:.2f}s (runs {ours_x['all_seconds']}, cpu {ours_x['cpu']:.2f}s)  peak {ours_x['peak_mb']:.0f} MB  rows {ours_x['rows']:,}"
            )
            print(
                f"xlsx openpyxl read-only pass: {bare_x['seconds']:.2f}s (runs {bare_x['all_seconds']}, cpu {bare_x['cpu']:.2f}s)  peak {bare_x['peak_mb']:.0f} MB"
            )
            print(
                f"ratio xlsx ours / bare openpyxl read-only pass: {ours_x['seconds'] / bare_x['seconds']:.2f}x wall, {ours_x['cpu'] / bare_x['cpu']:.2f}x CPU"
            )
        if not args.skip_frictionless:
            sample_rows = min(args.frictionless_rows, args.rows)
            sample = Path(tmp) / "sample.csv"
            with path.open("rb") as src, sample.open("wb") as dst:
                for _ in range(sample_rows + 1):
                    dst.write(src.readline())
            fl = run("frictionless", sample)
            estimate = fl["seconds"] * args.rows / sample_rows
            label = (
                "measured"
                if sample_rows == args.rows
                else f"extrapolated from {sample_rows:,} rows ({fl['seconds']:.2f}s)"
            )
            if fl["rows"] != sample_rows:
                raise SystemExit(f"frictionless did not validate the sample: {fl}")
            print(f"frictionless: {estimate:.1f}s ({label})")
            print(f"ratio frictionless / ours: {estimate / ours['seconds']:.1f}x (target >= 25x)")


if __name__ == "__main__":
    main()
