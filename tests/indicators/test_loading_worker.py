"""An observation load on a real worker (PostgreSQL + Redis), killed mid-insert: it runs again
on a live worker within the lease bound, all or nothing, exactly once."""

from __future__ import annotations

import time

import pytest

from indicators.models import Observation, ObservationLoad
from indicators.services import observation_load_request

from ..services import wait_for
from .test_loading import MAPPING

pytestmark = [pytest.mark.worker, pytest.mark.services]

# Short lease for the test workers; the broker keeps its default visibility timeout (2 h).
FAST_RECOVERY = {"DDMS_JOB_LEASE_SECONDS": "5", "DDMS_JOB_SWEEP_SECONDS": "1"}
FINISHED = ("done", "failed", "error")


def _many_rows() -> bytes:
    lines = ["opstina,godina,pol,vrednost,broj"]
    for code in ("RS-KG-ST", "RS-KG-AE"):
        for year in range(2001, 2101):
            for month in range(1, 13):
                lines.append(f"{code},{year}-{month:02d},_T,{month}.5,{year}")
    return ("\n".join(lines) + "\n").encode()


def test_a_worker_killed_mid_load_is_replaced_and_the_load_completes_once(
    worker_factory, beat_factory, world, geo, indicator, make_submission
):
    content = _many_rows()
    rows = content.count(b"\n") - 1
    slow = worker_factory(
        app="tests.slow_app", extra_env={"DDMS_TEST_SLOW_MS": "2", **FAST_RECOVERY}
    )
    beat_factory(extra_env=FAST_RECOVERY)
    load = observation_load_request(
        submission=make_submission(content),
        mapping=MAPPING,
        indicator=indicator,
        actor=world.nsi_manager,
    )
    wait_for(
        lambda: ObservationLoad.objects.get(pk=load.pk).status == "running",
        timeout=30,
        what="load under way",
    )
    time.sleep(1)  # inside the transaction, part-way through the rows (2 ms each)
    slow.kill()
    killed = time.monotonic()
    assert ObservationLoad.objects.get(pk=load.pk).status == "running"
    assert Observation.objects.count() == 0  # all or nothing: the kill rolled it back

    worker_factory(extra_env=FAST_RECOVERY)
    wait_for(
        lambda: ObservationLoad.objects.get(pk=load.pk).status in FINISHED,
        timeout=60,
        what="load finished",
    )
    recovery = time.monotonic() - killed
    print(f"RECOVERY observation load kill -> finished: {recovery:.1f}s")
    load.refresh_from_db()
    assert (load.status, load.attempts) == ("done", 2), load.last_error
    assert load.result["rows"] == rows and Observation.objects.count() == rows
    assert recovery < 40
