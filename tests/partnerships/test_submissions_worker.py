"""End to end with a real Celery worker on PostgreSQL + Redis: upload, validate, report, crash."""

from __future__ import annotations

import pytest

from ddms_platform.celery import app as celery_app
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


def redeliver_unacknowledged() -> None:
    """Hand unacknowledged messages back to their queue, as Redis does after the visibility
    timeout (2 h in production): the test fast-forwards that wait instead of sleeping."""
    with celery_app.connection_for_write() as conn:
        channel = conn.default_channel
        channel.visibility_timeout = 0
        channel.qos.restore_visible(num=100)


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


def test_a_worker_killed_mid_validation_is_replaced_and_the_run_completes_once(
    worker_factory, world, api
):
    slow = worker_factory(
        extra_env={"DDMS_VALIDATION_CHUNK_ROWS": "25", "DDMS_VALIDATION_TEST_DELAY_MS": "300"}
    )
    rows = "".join(f"D{i},2026-01-01,{i}.5,{i}\n" for i in range(500))
    content = ("district,month,consumption_mwh,customers\n" + rows).encode()
    sub = _upload(api, world, content)
    wait_for(lambda: _run(sub["id"]).rows_done > 0, timeout=30, what="validation under way")
    slow.kill()
    run = _run(sub["id"])
    assert run.status == RunStatus.RUNNING and run.rows_done < 500

    redeliver_unacknowledged()
    worker_factory()
    wait_for(lambda: _run(sub["id"]).status in FINISHED, timeout=30, what="validation finished")
    run = _run(sub["id"])
    assert run.status == RunStatus.PASSED, run.last_error
    assert run.attempts == 2 and run.rows_done == 500
    assert run.report["stats"]["rows"] == 500
    assert OutboxEvent.objects.filter(kind="validation.finished").count() == 1


def test_the_task_is_acked_late_and_its_time_limit_is_below_the_visibility_timeout(settings):
    assert validate_submission.acks_late and validate_submission.reject_on_worker_lost
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 7200)
    assert validate_submission.time_limit < visibility
