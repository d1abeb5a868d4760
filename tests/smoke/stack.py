"""Run the platform as deployed and the black-box smoke suite against it, in one command.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ddms CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python -m tests.smoke.stack            # start, run tests/smoke, stop
    ... -m tests.smoke.stack --serve                     # start and keep running (Ctrl-C stops)
    ... -m tests.smoke.stack -- -k upload -x             # arguments after -- go to pytest

The stack is production mode (`DDMS_DEV=0`, a random secret key, collected static files with
the manifest storage) on loopback: gunicorn with two workers, a separate `celery worker` and
`celery beat`, PostgreSQL (a fresh database `<name of DATABASE_URL's database>_smoke`, dropped
and created on every start), Redis as the broker (a private queue name, so other users of the
same Redis database are never disturbed) and an aiosmtpd process writing each message into a
Maildir. Plain HTTP on loopback needs two settings a real deployment keeps on: no HTTPS
redirect and no Secure flag on cookies; everything else is the production default.

The smoke tests get the base URL, the Maildir and the demo password in DDMS_SMOKE_URL,
DDMS_SMOKE_MAILDIR and DDMS_SMOKE_PASSWORD, and talk to the stack over HTTP only. Each
process's output goes to test-artifacts/smoke/<name>.log; on a failure their tails are printed.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.services import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
LOGS = ROOT / "test-artifacts" / "smoke"
BIN = Path(sys.executable).parent
START_TIMEOUT = 60.0


def smoke_database(url: str) -> tuple[str, str]:
    """(admin URL on the `postgres` database, URL of the smoke database) from DATABASE_URL."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "ddms"
    smoke = f"{name}_smoke"
    return (
        urlunsplit(parts._replace(path="/postgres")),
        urlunsplit(parts._replace(path=f"/{smoke}")),
    )


def recreate_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


class Stack:
    """The processes of one production stack, started in order and stopped together."""

    def __init__(self, *, database_url: str, broker_url: str, port: int) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="ddms-smoke-"))
        self.port = port
        self.smtp_port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self.maildir = self.tmp / "maildir"
        self.password = secrets.token_urlsafe(12)
        self.worker_name = f"smoke-{secrets.token_hex(3)}@%h"
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        admin_url, self.database_url = smoke_database(database_url)
        recreate_database(admin_url, urlsplit(self.database_url).path.lstrip("/"))
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DDMS_", "DJANGO_"))},
            "DDMS_DEV": "0",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on loopback: no redirect to https, cookies without the Secure flag.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_DEFAULT_QUEUE": f"ddms-smoke-{secrets.token_hex(4)}",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "DDMS_SITE_URL": self.base_url,
            "DDMS_DATA_DIR": str(self.tmp / "data"),
            "DJANGO_MEDIA_ROOT": str(self.tmp / "media"),
            "DJANGO_STATIC_ROOT": str(self.tmp / "static"),
            "DDMS_DEMO_PASSWORD": self.password,
            "PYTHONUNBUFFERED": "1",
        }

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def spawn(self, name: str, command: list[str]) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        log = (LOGS / f"{name}.log").open("wb")
        self.children[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def alive(self) -> None:
        for name, child in self.children.items():
            if child.poll() is not None:
                raise RuntimeError(f"{name} exited with {child.returncode}")

    def healthy(self) -> bool:
        self.alive()
        try:
            with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def log_has(self, name: str, text: str) -> bool:
        self.alive()
        return text in (LOGS / f"{name}.log").read_text(errors="replace")

    def start(self) -> None:
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        self.manage("load_demo")
        self.spawn(
            "smtp",
            [
                *(str(BIN / "python"), "-m", "aiosmtpd", "-n"),
                *("-l", f"127.0.0.1:{self.smtp_port}"),
                *("-c", "aiosmtpd.handlers.Mailbox", str(self.maildir)),
            ],
        )
        celery = [sys.executable, "-m", "celery", "-A", "ddms_platform"]
        self.spawn(
            "worker",
            [*celery, "worker", "--concurrency=2", "--loglevel=INFO", "-n", self.worker_name],
        )
        schedule = str(self.tmp / "celerybeat-schedule")
        self.spawn("beat", [*celery, "beat", "--loglevel=INFO", "--schedule", schedule])
        self.spawn(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "ddms_platform.wsgi",
                *("-b", f"127.0.0.1:{self.port}", "-w", "2", "--access-logfile", "-"),
            ],
        )
        for what, ready in [
            ("gunicorn /healthz", self.healthy),
            ("the SMTP sink", self.maildir.exists),
            ("the celery worker", lambda: self.log_has("worker", " ready.")),
            ("celery beat", lambda: self.log_has("beat", "beat: Starting...")),
        ]:
            wait_for(ready, timeout=START_TIMEOUT, interval=0.25, what=what)

    def stop(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

    def forget_queue(self) -> None:
        """Delete every Redis key naming the private queue (the name is random: all are ours)."""
        import redis

        client = redis.Redis.from_url(self.env["CELERY_BROKER_URL"])
        keys = list(client.scan_iter(match=f"*{self.env['CELERY_TASK_DEFAULT_QUEUE']}*"))
        if keys:
            client.delete(*keys)

    def print_logs(self, lines: int = 40) -> None:
        for name in self.children:
            text = (LOGS / f"{name}.log").read_text(errors="replace").splitlines()
            print(f"--- {name} (last {lines} lines of {LOGS / f'{name}.log'})")
            print("\n".join(text[-lines:]))


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    # Ctrl-C or a SIGTERM (also when started in the background, where SIGINT is ignored)
    # unwinds through `finally`, which stops every child.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--port", type=int, default=0, help="gunicorn port (default: a free one)")
    parser.add_argument("--serve", action="store_true", help="start and wait for Ctrl-C")
    parser.add_argument("pytest_args", nargs="*", help="after --: passed to pytest")
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not database_url.startswith("postgres") or not broker_url.startswith("redis"):
        print(
            "DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis) must be set", file=sys.stderr
        )
        return 2
    stack = Stack(database_url=database_url, broker_url=broker_url, port=args.port or free_port())
    started = time.monotonic()
    try:
        stack.start()
        print(f"production stack up at {stack.base_url} in {time.monotonic() - started:.1f} s")
        smoke_env = {
            **os.environ,
            "DDMS_SMOKE_URL": stack.base_url,
            "DDMS_SMOKE_MAILDIR": str(stack.maildir),
            "DDMS_SMOKE_PASSWORD": stack.password,
        }
        if args.serve:
            print(f"demo password: {stack.password}; mail in {stack.maildir}; Ctrl-C stops")
            try:
                while True:
                    stack.alive()
                    time.sleep(1)
            except KeyboardInterrupt:
                return 0
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "tests/smoke", "-m", "smoke", *args.pytest_args],
            cwd=ROOT,
            env=smoke_env,
        )
        if result.returncode:
            stack.print_logs()
        return result.returncode
    except Exception:
        stack.print_logs()
        raise
    finally:
        stack.stop()
        stack.forget_queue()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
