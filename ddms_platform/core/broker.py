"""Talking to the Celery broker with a hard bound on how long a caller can wait.

A web request must never hang on the broker: a frozen Redis accepts the TCP connection and
then answers nothing, so only a socket timeout on every read ends the wait. Every publish
opens its own short-lived connection with `DDMS_BROKER_TIMEOUT_MS` as connect and socket
timeout, no retries; after a failure the process stops trying for `BROKER_COOLDOWN` seconds
(later callers fail at once), so a request that would publish twice waits once. The caller
keeps the database row (job or outbox event) as the hand-off; the sweeps publish it later.
"""

from __future__ import annotations

import concurrent.futures
import logging
import time
from typing import Any

from django.conf import settings
from kombu import Connection, Producer

log = logging.getLogger(__name__)

# After a failed publish, seconds during which this process does not try again.
BROKER_COOLDOWN = 2.0

_down_until = 0.0


class BrokerUnavailable(Exception):
    """The broker did not take the message within the bound; the row stays for the sweep."""


def _timeout() -> float:
    return settings.DDMS_BROKER_TIMEOUT_MS / 1000


def bounded_connection(app: Any, timeout: float | None = None, *, url: str = "") -> Connection:
    """A fresh connection to the broker whose every connect and read gives up in `timeout`
    (the write URL unless `url` is given)."""
    timeout = _timeout() if timeout is None else timeout
    options = dict(app.conf.broker_transport_options or {})
    if not str(app.conf.broker_url or "").startswith("filesystem"):
        options.update(socket_timeout=timeout, socket_connect_timeout=timeout, max_retries=0)
    return Connection(
        url or app.conf.broker_write_url or app.conf.broker_url,
        transport_options=options,
        connect_timeout=timeout,
    )


def broker_reset() -> None:
    """Forget an earlier failure (tests; a process that knows the broker is back)."""
    global _down_until
    _down_until = 0.0


def broker_publish(task: Any, *args: Any, countdown: float | None = None) -> None:
    """Queue `task(*args)` within the bound, or raise BrokerUnavailable.

    With `task_always_eager` (tests, no broker) the task runs inline and its errors surface.
    """
    global _down_until
    app = task.app
    if app.conf.task_always_eager:
        task.apply_async(args=args, countdown=countdown)
        return
    if time.monotonic() < _down_until:
        raise BrokerUnavailable("the broker failed moments ago; not trying again yet")
    try:
        with bounded_connection(app) as conn:
            conn.ensure_connection(max_retries=0)
            task.apply_async(args=args, countdown=countdown, producer=Producer(conn), retry=False)
    except Exception as exc:  # any failure means "not queued": the row stays for the sweep
        _down_until = time.monotonic() + BROKER_COOLDOWN
        raise BrokerUnavailable(f"{type(exc).__name__}: {exc}") from exc


def broker_ok(timeout: float = 0.5) -> tuple[bool, str]:
    """Connect to the broker and back within `timeout` seconds, whatever the broker does.

    A healthy broker answers in milliseconds; half a second leaves /healthz room for its
    database check and a busy machine inside its one-second promise.
    """
    from ddms_platform.celery import app

    def check() -> None:
        # Socket timeouts a little under the bound: usually they end the wait themselves.
        with bounded_connection(app, timeout * 0.8, url=app.conf.broker_url) as conn:
            conn.ensure_connection(max_retries=0)
            conn.default_channel  # noqa: B018 - Redis: opening the channel sends a PING

    # The thread is the hard bound: a frozen broker can hold a socket longer than its timeout
    # (connect, then the PING); the thread finishes on its own when the socket gives up.
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    future = pool.submit(check)
    pool.shutdown(wait=False)
    try:
        future.result(timeout=timeout)
    except concurrent.futures.TimeoutError:
        return False, f"no answer within {timeout:.1f} s (broker frozen or overloaded)"
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return False, f"{type(exc).__name__}: {exc}"
    return True, "ok"
