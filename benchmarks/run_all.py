"""Run every benchmark in this folder, one after the other, and print their figures.

Benchmarks are never part of the test suite: they print figures and ratios to a reference
measured in the same run. Some need PostgreSQL (DATABASE_URL) — they say so and stop.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    # Modules named _*.py are helpers of a benchmark (the HTTP benchmark's settings and URLs).
    scripts = sorted(
        p for p in HERE.glob("*.py") if p.name != "run_all.py" and not p.name.startswith("_")
    )
    failures = 0
    for script in scripts:
        print(f"\n=== {script.name}", flush=True)
        result = subprocess.run([sys.executable, str(script), *sys.argv[1:]], check=False)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
