"""Which external services the tests may use, and a bounded wait helper.

Services are optional on a laptop and required in CI (DDMS_REQUIRE_SERVICES=1): a test that
needs one skips when it is not configured, and fails when it is required but unreachable.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import TypeVar
from urllib.parse import urlparse

import pytest

from ddms_platform.celery import app as celery_app

T = TypeVar("T")


def services_required() -> bool:
    return os.environ.get("DDMS_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes", "on"}


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://", "pgsql://")) else None


def redis_url() -> str | None:
    url = os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith(("redis://", "rediss://")) else None


def need_services() -> None:
    """Skip (laptop) or fail (CI) unless PostgreSQL and Redis are configured and reachable."""
    problems = []
    pg, rd = postgres_url(), redis_url()
    if pg is None:
        problems.append("DATABASE_URL does not point at PostgreSQL")
    elif not _reachable(pg, 5432):
        problems.append(f"PostgreSQL at {urlparse(pg).hostname} is unreachable")
    if rd is None:
        problems.append("CELERY_BROKER_URL does not point at Redis")
    elif not _reachable(rd, 6379):
        problems.append(f"Redis at {urlparse(rd).hostname} is unreachable")
    if problems:
        message = "; ".join(problems)
        if services_required():
            pytest.fail(f"services required (DDMS_REQUIRE_SERVICES=1): {message}", pytrace=False)
        pytest.skip(message)


def wait_for(
    predicate: Callable[[], T],
    *,
    timeout: float = 30.0,
    interval: float = 0.1,
    what: str = "condition",
) -> T:
    """Poll `predicate` until it returns a truthy value; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def producer_broker(url: str) -> Iterator[None]:
    """Point this process's task producer at another broker (Django's setting wins over
    `conf.broker_url`, so the write URL is the one to change)."""
    previous = celery_app.conf.broker_write_url
    celery_app.conf.broker_write_url = url
    reset_broker_connections()
    try:
        yield
    finally:
        celery_app.conf.broker_write_url = previous
        reset_broker_connections()


def reset_broker_connections() -> None:
    """Forget pooled producer connections and any remembered broker failure (after
    changing `broker_url` in this process)."""
    from kombu import pools

    from ddms_platform.core.broker import broker_reset

    broker_reset()

    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class RedisServer:
    """A private redis-server: start, stop, freeze (SIGSTOP), thaw and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._up, timeout=10, what=f"redis on port {self.port}")

    def _up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def freeze(self) -> None:
        """SIGSTOP: the port still accepts connections, nothing answers."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.thaw()
            self.proc.terminate()
            self.proc.wait(timeout=10)


def need_redis_server() -> None:
    """Skip (laptop) or fail (CI) without the redis-server binary."""
    if shutil.which("redis-server") is None:
        if services_required():
            pytest.fail("services required: redis-server is not installed", pytrace=False)
        pytest.skip("redis-server is not installed")
