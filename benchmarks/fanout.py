"""Fan-out benchmark: one release to N e-mail subscribers through a local aiosmtpd sink.

    python benchmarks/fanout.py            # N = 1,000 and 10,000 on SQLite (throw-away file)
    DATABASE_URL=postgres://.../ddms_bench python benchmarks/fanout.py

Prints the time to deliver every message (fan-out + rendering + SMTP + bookkeeping, run
in-process with the same services the worker runs), the time for bare smtplib sending the same
messages over one connection, their ratio (target <= 2), and the SQL query count (target:
a constant number per batch, so per-recipient cost does not grow with N).
"""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# benchmarks/http.py would shadow the standard library's http: keep this folder off the path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != _HERE)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddms_platform.settings")
os.environ.setdefault("DDMS_DATA_DIR", tempfile.mkdtemp(prefix="ddms-bench-"))
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from ddms_platform.celery import app  # noqa: E402
from ddms_platform.notify.models import Notification, OutboxEvent  # noqa: E402
from ddms_platform.notify.services import event_fan_out  # noqa: E402
from indicators.models import Indicator, Publication, Subscription  # noqa: E402


def wait_port(port: int) -> None:
    import socket

    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"SMTP sink did not start on {port}")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup(n: int) -> Publication:
    Notification.objects.all().delete()
    OutboxEvent.objects.all().delete()
    Subscription.objects.all().delete()
    Publication.objects.all().delete()
    indicator, _ = Indicator.objects.get_or_create(
        code="BENCH", defaults={"name_en": "Benchmark", "unit": "n", "topic": "bench"}
    )
    now = timezone.now()
    subs = Subscription.objects.bulk_create(
        [Subscription(email=f"s{i}@example.org", confirmed_at=now) for i in range(n)],
        batch_size=2000,
    )
    through = Subscription.indicators.through
    through.objects.bulk_create(
        [through(subscription_id=s.pk, indicator_id=indicator.pk) for s in subs], batch_size=2000
    )
    publication = Publication.objects.create(
        series=f"bench-{n}", title="Benchmark release", state="published", release_at=now
    )
    publication.indicators.set([indicator])
    return publication


def platform_run(n: int, port: int, sink: object) -> tuple[float, int]:
    publication = setup(n)
    with transaction.atomic():
        event = OutboxEvent.objects.create(
            kind="publication.released",
            payload={"publication_id": publication.pk, "version": 1, "supersedes_id": None},
        )
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        event_fan_out(event_id=event.pk)  # eager: deliveries run in-process, batch by batch
        elapsed = time.perf_counter() - started
    sent = Notification.objects.filter(status="sent").count()
    assert sent == n, (sent, n)
    return elapsed, len(queries)


def bare_smtplib(n: int, port: int) -> float:
    # The same messages (rendered once from the real templates) over one connection.
    from ddms_platform.notify.messages import render_email, shared_context

    event = OutboxEvent.objects.filter(kind="publication.released").last()
    sample = Notification.objects.filter(event=event).select_related("event").first()
    shared = shared_context(event)
    payloads = []
    for i in range(n):
        sample.email = f"s{i}@example.org"
        payloads.append(render_email(sample, event, shared).message().as_bytes(linesep="\r\n"))
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i, data in enumerate(payloads):
            smtp.sendmail("ddms@localhost", [f"s{i}@example.org"], data)
    return time.perf_counter() - started


def main() -> None:
    if connection.vendor == "sqlite":
        Path(settings.DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    app.conf.task_always_eager = True
    port, sink = free_port(), None
    # The sink runs in its own process: in this one it would fight both senders for the GIL.
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
    )
    wait_port(port)
    sizes = [int(x) for x in os.environ.get("BENCH_SIZES", "1000,10000").split(",")]
    print(f"database: {connection.vendor}; batch size {settings.DDMS_NOTIFY_BATCH_SIZE}")
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
        ):
            for n in sizes:
                platform_s, queries = platform_run(n, port, sink)
                bare_s = bare_smtplib(n, port)
                batches = -(-n // settings.DDMS_NOTIFY_BATCH_SIZE)
                print(
                    f"N={n:>6}: platform {platform_s:6.2f}s  bare smtplib {bare_s:6.2f}s  "
                    f"ratio {platform_s / bare_s:4.2f}  queries {queries} "
                    f"({queries / batches:.1f} per batch of {settings.DDMS_NOTIFY_BATCH_SIZE}, "
                    f"{queries / n:.3f} per recipient)"
                )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
