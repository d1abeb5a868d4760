"""Test-only Celery app: the platform's app, with its jobs slowed down in each pool process.

Only test workers load it (`celery -A tests.slow_app worker`, see tests/workers.py), so a test
can kill a worker in the middle of a job; production code has no hook for this.
`DDMS_TEST_SLOW_MS` is the pause per validation chunk and per observation row;
`DDMS_TEST_DIE_IN_JOB=1` makes the pool process kill itself (SIGKILL) at the first validation
chunk, as the kernel's out-of-memory killer would with a file that exhausts memory.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from typing import Any

from celery.signals import worker_process_init

from ddms_platform.celery import app

__all__ = ["app"]

PAUSE = int(os.environ.get("DDMS_TEST_SLOW_MS", "0")) / 1000
DIE = os.environ.get("DDMS_TEST_DIE_IN_JOB") == "1"


@worker_process_init.connect
def _slow_down(**_: Any) -> None:
    from indicators.services import observations
    from partnerships.services import validation

    progress = validation._Progress.__call__

    def slow_progress(self: Any, rows_done: int) -> None:
        progress(self, rows_done)
        if DIE:
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(PAUSE)

    rows = observations._observations

    def slow_rows(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for row in rows(*args, **kwargs):
            time.sleep(PAUSE)
            yield row

    validation._Progress.__call__ = slow_progress  # type: ignore[method-assign]
    observations._observations = slow_rows
