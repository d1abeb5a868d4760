"""End to end with a real Celery worker on PostgreSQL + Redis: upload, validate, report, crash."""

from __future__ import annotations

import time

import pytest

from ddms_platform.notify.models import OutboxEvent
from partnerships.choices import RequestState as S
from partnerships.choices import RunStatus
from partnerships.models import ValidationRun
from partnerships.tasks import validate_submission

from ..services import wait_for
from .requests_support import INVALID_CSV, acquisition, upload

pytestmark = [pytest.mark.worker, pytest.mark.services]
FINISHED = (RunStatus.PASSED, RunStatus.FAILED, RunStatus.ERROR)


def _upload(api, world, content: bytes) -> dict:
    req = acquisition(world, state=S.ACKNOWLEDGED)
    response = api(world.partner_a_user).post(
        f"/api/v1/data-requests/{req.pk}/submissions/",
        {"file": upload("data.csv", content)},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def _run(submission_id: int) -> ValidationRun:
    return ValidationRun.objects.get(submission_id=submission_id)


def test_upload_is_validated_by_a_worker_and_the_report_served(worker, world, api):
    sub = _upload(api, world, INVALID_CSV)
    wait_for(lambda: _run(sub["id"]).status in FINISHED, timeout=30, what="validation finished")
    run = _run(sub["id"])
    assert run.status == RunStatus.FAILED and run.attempts == 1, run.last_error
    detail = api(world.partner_a_user).get(f"/api/v1/submissions/{sub['id']}/").json()
    assert detail["validation"]["status"] == "failed" and detail["validation"]["rows_done"] == 3
    report = api(world.partner_a_user).get(f"/api/v1/submissions/{sub['id']}/report/").json()
    assert report["error_counts"]["type-error"] == 2
    assert OutboxEvent.objects.filter(kind="validation.finished").count() == 1

    # A duplicate delivery of the same job finds the run finished and changes nothing.
    validate_submission.delay(run.pk)
    wait_for(
        lambda: worker.log().count("partnerships.validate_submission[") >= 4,
        timeout=20,
        what="second delivery handled (received + succeeded)",
    )
    again = _run(sub["id"])
    assert (again.attempts, again.finished_at, again.report) == (1, run.finished_at, run.report)
    assert OutboxEvent.objects.filter(kind="validation.finished").count() == 1


# The test's own lease bound: workers renew every ~1.7 s, the sweep runs every second.
# Broker settings stay the defaults (visibility timeout 2 h): recovery must not need them.
FAST_RECOVERY = {"DDMS_JOB_LEASE_SECONDS": "5", "DDMS_JOB_SWEEP_SECONDS": "1"}


def test_a_worker_killed_mid_validation_is_replaced_and_the_run_completes_once(
    worker_factory, beat_factory, world, api
):
    slow = worker_factory(
        app="tests.slow_app",
        extra_env={"DDMS_VALIDATION_CHUNK_ROWS": "25", "DDMS_TEST_SLOW_MS": "300", **FAST_RECOVERY},
    )
    beat_factory(extra_env=FAST_RECOVERY)
    rows = "".join(f"D{i},2026-01-01,{i}.5,{i}\n" for i in range(600))
    content = ("district,month,consumption_mwh,customers\n" + rows).encode()
    sub = _upload(api, world, content)
    # 25 rows per 0.3 s: at 450 rows the run has outlived its 5 s lease, renewed all along,
    # so the sweep (every second) has left it alone.
    wait_for(lambda: _run(sub["id"]).rows_done >= 450, timeout=40, what="validation under way")
    assert _run(sub["id"]).attempts == 1
    slow.kill()
    killed = time.monotonic()
    run = _run(sub["id"])
    assert run.status == RunStatus.RUNNING and run.rows_done < 600

    worker_factory(extra_env=FAST_RECOVERY)
    wait_for(lambda: _run(sub["id"]).status in FINISHED, timeout=60, what="validation finished")
    recovery = time.monotonic() - killed
    print(f"RECOVERY validation kill -> finished: {recovery:.1f}s")
    run = _run(sub["id"])
    assert run.status == RunStatus.PASSED, run.last_error
    assert run.attempts == 2 and run.rows_done == 600
    assert run.report["stats"]["rows"] == 600
    assert OutboxEvent.objects.filter(kind="validation.finished").count() == 1
    # Lease 5 s + sweep 1 s + a worker's start: well inside the bound, far from 2 hours.
    assert recovery < 40


def test_a_file_that_kills_its_worker_every_time_ends_in_error_after_the_attempt_limit(
    worker_factory, world, api
):
    # The pool process dies at every start (as if killed for memory); its message comes back
    # at once (reject on worker lost) and the holder is known dead, so no lease wait.
    worker_factory(app="tests.slow_app", extra_env={"DDMS_TEST_DIE_IN_JOB": "1"})
    sub = _upload(api, world, INVALID_CSV)
    wait_for(lambda: _run(sub["id"]).status in FINISHED, timeout=60, what="run given up")
    run = _run(sub["id"])
    assert run.status == RunStatus.ERROR and run.attempts == 4
    assert "started 3 times" in run.last_error and run.report is None
    assert OutboxEvent.objects.filter(kind="validation.finished").count() == 1


def test_the_task_is_acked_late_and_its_time_limit_is_below_the_visibility_timeout(settings):
    assert validate_submission.acks_late and validate_submission.reject_on_worker_lost
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 7200)
    assert validate_submission.time_limit < visibility
