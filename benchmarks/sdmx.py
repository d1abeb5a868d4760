"""SDMX web-service benchmark on PostgreSQL: /sdmx/data/… for 100k observations in each format
against the existing SDMX-CSV download and PostgreSQL's own COPY ... TO STDOUT.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ddms_bench python benchmarks/sdmx.py \
        [--observations 100000]

Generates one indicator's released monthly values by territory and sex with COPY (1% of them
suppressed), then streams each response, timing it and sampling the process RSS. Not a test:
it prints figures and ratios to the references measured in the same run.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent), *(p for p in sys.path if Path(p or ".").resolve() != _HERE)]

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from benchmarks.open_data import big_rows, copy_rows, rss_mb, setup  # noqa: E402
from indicators.models import ReleasedObservation  # noqa: E402
from indicators.sdmx.codes import code_lists_seed  # noqa: E402

FLOW = "/sdmx/data/dataflow/DDMS/DF_BENCH_BIG/1.0.0/*"
CASES = [
    ("SDMX-ML 2.1 StructureSpecific", f"{FLOW}?format=structurespecificdata"),
    ("SDMX-JSON 2.0", f"{FLOW}?format=jsondata"),
    ("SDMX-CSV 2.0 (web service)", f"{FLOW}?format=csvfile"),
    (
        "SDMX-CSV 2.0 (existing download)",
        "/api/v1/open-data/observations.sdmx.csv?indicator=BENCH_BIG",
    ),
]


def stream(fn: Callable[[], object]) -> tuple[float, int, float]:
    """(seconds, bytes, peak RSS growth in MB) of one streamed response."""
    base = rss_mb()
    peak = base
    size = 0
    start = time.perf_counter()
    for n, chunk in enumerate(fn()):  # type: ignore[call-overload]
        size += len(chunk)
        if n % 10 == 0:
            peak = max(peak, rss_mb())
    return time.perf_counter() - start, size, peak - base


def http(client: Client, url: str) -> Callable[[], object]:
    def run() -> object:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.streaming_content

    return run


def copy_to_stdout(indicator_id: int) -> Callable[[], object]:
    def run() -> object:
        sql = (
            "COPY (SELECT period_type, territory_code, dims_key, period, value, status "
            "FROM indicators_releasedobservation WHERE indicator_id = %s "
            "ORDER BY territory_code, dims_key, period_type, period_start) TO STDOUT (FORMAT csv)"
        )
        with connection.cursor() as cur, cur.connection.cursor().copy(sql, [indicator_id]) as copy:
            yield from copy

    return run


def best(fn: Callable[[], object], repeat: int) -> tuple[float, int, float]:
    stream(fn)  # warm-up
    runs = [stream(fn) for _ in range(repeat)]
    return min(r[0] for r in runs), runs[0][1], max(r[2] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database.")
    _series, big, pub, territories = setup()
    code_lists_seed()
    ReleasedObservation.objects.filter(indicator=big).delete()
    copy_rows(big_rows(pub, big, territories, 0, args.observations))
    count = ReleasedObservation.objects.filter(indicator=big).count()
    print(f"{count:,} observations of BENCH_BIG (monthly, by territory and sex)")
    client = Client()
    ref_t, ref_size, ref_mem = best(copy_to_stdout(big.pk), args.repeat)
    print(
        f"{'COPY ... TO STDOUT':34} {ref_t * 1000:8.0f} ms {ref_size / 1e6:7.1f} MB  RSS +{ref_mem:5.1f} MB"
    )
    download = None
    for name, url in CASES:
        t, size, mem = best(http(client, url), args.repeat)
        if "existing" in name:
            download = t
        print(
            f"{name:34} {t * 1000:8.0f} ms {size / 1e6:7.1f} MB  RSS +{mem:5.1f} MB  "
            f"x{t / ref_t:5.1f} COPY"
        )
    assert download is not None
    for name, url in CASES[:3]:
        t, _size, _mem = best(http(client, url), 1)
        print(f"{name:34} / existing SDMX-CSV download: {t / download:.2f}")


if __name__ == "__main__":
    main()
