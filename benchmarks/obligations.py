"""Period-generation benchmark: 1,000 data-sharing agreements × 24 monthly periods.

    python benchmarks/obligations.py          # SQLite (throw-away file)
    DATABASE_URL=postgres://.../ddms_bench python benchmarks/obligations.py

Creates 1,000 active agreements, each with one monthly deliverable whose first period is 23
months before this one, runs the period job once (24,000 requests, their audit entries and
events) and then again (nothing to create), and prints the time and SQL queries of each run,
in total and per deliverable. Target: a constant number of queries per batch of deliverables
(well under one query per deliverable), and a second run that creates nothing.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != _HERE)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddms_platform.settings")
os.environ.setdefault("DDMS_DATA_DIR", tempfile.mkdtemp(prefix="ddms-bench-"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from ddms_platform.core.models import AuditEntry  # noqa: E402
from ddms_platform.notify.models import OutboxEvent  # noqa: E402
from partnerships.models import (  # noqa: E402
    Agreement,
    AgreementParty,
    Country,
    DataRequest,
    Deliverable,
    Organisation,
)
from partnerships.periods import period_containing, period_label  # noqa: E402
from partnerships.services.obligations import periods_generate  # noqa: E402

AGREEMENTS = 1000
PERIODS = 24
SCHEMA = {"fields": [{"name": "territory", "type": "string"}, {"name": "value", "type": "number"}]}


def setup() -> None:
    DataRequest.objects.filter(deliverable__isnull=False).delete()
    OutboxEvent.objects.filter(kind="request.period_opened").delete()
    AuditEntry.objects.filter(action="data_request.generate").delete()
    Deliverable.objects.all().delete()
    AgreementParty.objects.filter(agreement__reference__startswith="BENCH-").delete()
    Agreement.objects.filter(reference__startswith="BENCH-").delete()
    country, _ = Country.objects.get_or_create(code="RS", defaults={"name": "Serbia"})
    nsi, _ = Organisation.objects.get_or_create(
        country=country, name="Bench NSI", defaults={"kind": "nsi"}
    )
    partner, _ = Organisation.objects.get_or_create(
        country=country, name="Bench partner", defaults={"kind": "company"}
    )
    agreements = Agreement.objects.bulk_create(
        [
            Agreement(
                reference=f"BENCH-{i:05d}",
                title=f"Benchmark agreement {i}",
                nsi=nsi,
                type="data_sharing",
                state="active",
            )
            for i in range(AGREEMENTS)
        ],
        batch_size=1000,
    )
    AgreementParty.objects.bulk_create(
        [AgreementParty(agreement=a, organisation=partner) for a in agreements], batch_size=1000
    )
    first = period_label(
        "monthly", period_containing("monthly", timezone.localdate()) - PERIODS + 1
    )
    Deliverable.objects.bulk_create(
        [
            Deliverable(
                agreement=a,
                provider=partner,
                title=f"Monthly file {a.reference}",
                purpose="benchmark",
                table_schema=SCHEMA,
                frequency="monthly",
                first_period=first,
            )
            for a in agreements
        ],
        batch_size=1000,
    )


def measure(label: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        created = periods_generate()
        elapsed = time.perf_counter() - started
    n = len(queries.captured_queries)
    print(
        f"{label}: {created:,} requests in {elapsed:.2f} s "
        f"({elapsed / AGREEMENTS * 1000:.2f} ms and {n / AGREEMENTS:.3f} queries per deliverable, "
        f"{n} queries in all)"
    )
    return created


def main() -> int:
    if connection.vendor == "sqlite":
        Path(settings.DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    setup()
    print(f"{connection.vendor}: {AGREEMENTS:,} agreements × {PERIODS} monthly periods")
    first = measure("first run")
    again = measure("second run")
    expected = AGREEMENTS * PERIODS
    if first != expected or again != 0:
        print(f"FAILED: expected {expected} then 0, got {first} then {again}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
