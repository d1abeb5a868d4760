"""Open-data benchmark on PostgreSQL: series API vs raw SQL + orjson, CSV export vs COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ddms_bench python benchmarks/open_data.py \
        [--observations 1000000]

Generates released observations with COPY (a first 100k, then the rest up to --observations),
measures the series endpoint (10,000 observations) at both sizes, and the full CSV export
against PostgreSQL's own COPY ... TO STDOUT, with the process RSS sampled while streaming.
Not a test: it prints figures and ratios to their references measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import time
from pathlib import Path

# benchmarks/http.py would shadow the standard library's http: keep this folder off the path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent), *(p for p in sys.path if Path(p or ".").resolve() != _HERE)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddms_platform.settings")

import django  # noqa: E402

django.setup()

import orjson  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from indicators.models import Indicator, Publication, ReleasedObservation, Territory  # noqa: E402

SERIES_ROWS = 10_000
TERRITORIES = 1000
SEXES = ("F", "M", "_T")


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def setup() -> tuple[Indicator, Indicator, Publication, list[Territory]]:
    call_command("migrate", verbosity=0)
    ReleasedObservation.objects.filter(publication__series="bench").delete()
    Publication.objects.filter(series="bench").delete()
    country, _ = Territory.objects.get_or_create(
        code="BENCH", defaults={"level": "country", "name_en": "Bench"}
    )
    existing = set(Territory.objects.filter(code__startswith="BT").values_list("code", flat=True))
    Territory.objects.bulk_create(
        Territory(code=f"BT{i:04d}", level="region", parent=country, name_en=f"T{i}")
        for i in range(TERRITORIES)
        if f"BT{i:04d}" not in existing
    )
    territories = list(Territory.objects.filter(code__startswith="BT").order_by("code"))
    dims = {"sex": list(SEXES)}
    series_ind, _ = Indicator.objects.update_or_create(
        code="BENCH_S", defaults={"name_en": "Series", "unit": "%", "topic": "b", "decimals": 1}
    )
    big, _ = Indicator.objects.update_or_create(
        code="BENCH_BIG",
        defaults={"name_en": "Big", "unit": "n", "topic": "b", "decimals": 2, "dimensions": dims},
    )
    pub = Publication.objects.create(
        series="bench",
        title="Benchmark release",
        state="published",
        release_at=timezone.now() - dt.timedelta(days=1),
        published_at=timezone.now(),
    )
    pub.indicators.set([series_ind, big])
    return series_ind, big, pub, territories


def copy_rows(rows) -> None:
    cols = (
        "publication_id, indicator_id, territory_id, indicator_code, territory_code, period, "
        "period_type, period_start, dims, dims_key, value, status"
    )
    with connection.cursor() as cur:
        with cur.connection.cursor().copy(
            f"COPY indicators_releasedobservation ({cols}) FROM STDIN"
        ) as copy:
            buf = io.StringIO()
            for n, row in enumerate(rows, 1):
                buf.write("\t".join(row))
                buf.write("\n")
                if n % 50_000 == 0:
                    copy.write(buf.getvalue())
                    buf = io.StringIO()
            copy.write(buf.getvalue())
        cur.execute("ANALYZE indicators_releasedobservation")


def series_rows(pub, ind, territories):
    # 1000 territories x 10 years = 10,000 observations of one indicator.
    for t in territories:
        for year in range(2015, 2025):
            yield (
                str(pub.pk),
                str(ind.pk),
                str(t.pk),
                ind.code,
                t.code,
                str(year),
                "A",
                f"{year}-01-01",
                "{}",
                "",
                f"{(t.pk * 7 + year) % 1000 / 10:.1f}",
                "A",
            )


def big_rows(pub, ind, territories, start: int, stop: int):
    # Monthly values by territory and sex; row n is unique by (territory, month, sex).
    per_territory = len(SEXES) * 12 * 200
    for n in range(start, stop):
        t = territories[n // per_territory % len(territories)]
        rest = n % per_territory
        sex = SEXES[rest % 3]
        month = rest // 3
        year, mon = 1900 + month // 12, month % 12 + 1
        value = f"{(n * 37) % 100000 / 100:.2f}"
        status = "C" if n % 97 == 0 else "A"
        yield (
            str(pub.pk),
            str(ind.pk),
            str(t.pk),
            ind.code,
            t.code,
            f"{year}-{mon:02d}",
            "M",
            f"{year}-{mon:02d}-01",
            f'{{"sex": "{sex}"}}',
            f"sex={sex}",
            "\\N" if status == "C" else value,
            status,
        )


def timed(fn, repeat: int = 5) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def api_series(client: Client, *, cached: bool = False) -> bytes:
    if not cached:
        cache.clear()  # measure the series computed, not the stored body
    response = client.get("/api/v1/indicators/BENCH_S/series/")
    assert response.status_code == 200, response.content[:200]
    return response.content


def raw_series(pub, ind) -> bytes:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, territory_code, period, dims, value::float8, status "
            "FROM indicators_releasedobservation WHERE publication_id = %s AND indicator_id = %s "
            "ORDER BY territory_code, dims_key, period_start",
            [pub.pk, ind.pk],
        )
        rows = cur.fetchall()
    meta = {"code": ind.code, "name_en": ind.name_en, "unit": ind.unit}
    return orjson.dumps(
        {
            "indicator": meta,
            "observations": [
                {
                    "id": i,
                    "territory": t,
                    "period": p,
                    "dims": orjson.loads(d) if isinstance(d, str) else d,
                    "value": v,
                    "status": s,
                }
                for i, t, p, d, v, s in rows
            ],
        }
    )


def api_csv(client: Client) -> tuple[int, float]:
    base = rss_mb()
    peak = base
    size = 0
    response = client.get("/api/v1/open-data/observations.csv")
    for n, chunk in enumerate(response.streaming_content):
        size += len(chunk)
        if n % 20 == 0:
            peak = max(peak, rss_mb())
    return size, peak - base


def copy_csv() -> tuple[int, float]:
    base = rss_mb()
    peak = base
    size = 0
    sql = (
        "COPY (SELECT indicator_code, territory_code, period, dims_key, value, status, "
        "publication_id FROM indicators_releasedobservation "
        "ORDER BY indicator_code, territory_code, dims_key, period_start, id) "
        "TO STDOUT WITH (FORMAT csv, HEADER)"
    )
    with connection.cursor() as cur, cur.connection.cursor().copy(sql) as copy:
        for n, block in enumerate(copy):
            size += len(block)
            if n % 200 == 0:
                peak = max(peak, rss_mb())
    return size, peak - base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=1_000_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database.")
    total = max(args.observations, 200_000)
    client = Client()
    series_ind, big, pub, territories = setup()

    start = time.perf_counter()
    copy_rows(series_rows(pub, series_ind, territories))
    copy_rows(big_rows(pub, big, territories, 0, 100_000 - SERIES_ROWS))
    print(f"generated 100,000 observations in {time.perf_counter() - start:.1f}s (COPY)")
    small = timed(lambda: api_series(client))
    print(f"series (10,000 obs) at 100k observations: {small * 1000:.1f} ms")

    start = time.perf_counter()
    copy_rows(big_rows(pub, big, territories, 100_000 - SERIES_ROWS, total - SERIES_ROWS))
    count = ReleasedObservation.objects.count()
    print(f"generated up to {count:,} observations in {time.perf_counter() - start:.1f}s (COPY)")

    large = timed(lambda: api_series(client))
    raw = timed(lambda: raw_series(pub, series_ind))
    assert len(orjson.loads(api_series(client))["observations"]) == SERIES_ROWS
    print(
        f"series (10,000 obs) at {count:,}: API {large * 1000:.1f} ms, raw SQL + orjson "
        f"{raw * 1000:.1f} ms -> ratio {large / raw:.2f} (target <= 2)"
    )
    print(f"series latency 1M / 100k: {large / small:.2f} (target <= 1.5)")
    hit = timed(lambda: api_series(client, cached=True))
    print(f"series served from the cache: {hit * 1000:.2f} ms")

    start = time.perf_counter()
    api_size, api_mem = api_csv(client)
    api_time = time.perf_counter() - start
    start = time.perf_counter()
    copy_size, copy_mem = copy_csv()
    copy_time = time.perf_counter() - start
    print(
        f"CSV export of {count:,} rows: API {api_time:.2f}s ({api_size / 1e6:.0f} MB, "
        f"RSS +{api_mem:.0f} MB), COPY TO STDOUT {copy_time:.2f}s ({copy_size / 1e6:.0f} MB, "
        f"RSS +{copy_mem:.0f} MB) -> ratio {api_time / copy_time:.2f} (target <= 2)"
    )


if __name__ == "__main__":
    main()
