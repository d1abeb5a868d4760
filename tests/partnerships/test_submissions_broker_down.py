"""An upload while the broker is unreachable still succeeds; the job sweep queues its run."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from ddms_platform.celery import app as celery_app
from ddms_platform.core.jobs import jobs_sweep
from partnerships import choices
from partnerships.models import ValidationRun
from tests.services import free_port, producer_broker

from .requests_support import VALID_CSV, acquisition, upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down():
    """Tasks go to a Redis port nothing listens on (not eager, as in production)."""
    celery_app.conf.task_always_eager = False
    try:
        with producer_broker(f"redis://127.0.0.1:{free_port()}/0"):
            yield
    finally:
        celery_app.conf.task_always_eager = True


def _upload(api, world):
    req = acquisition(world, state=choices.RequestState.ACKNOWLEDGED)
    url = f"/api/v1/data-requests/{req.pk}/submissions/"
    started = time.monotonic()
    response = api(world.partner_a_user).post(
        url, {"file": upload("data.csv", VALID_CSV)}, format="multipart"
    )
    return response, time.monotonic() - started


def test_an_upload_succeeds_quickly_while_the_broker_is_down(world, api, broker_down):
    response, seconds = _upload(api, world)
    assert response.status_code == 201, response.content
    assert seconds < 2
    run = ValidationRun.objects.get()
    assert (run.status, run.attempts) == (choices.RunStatus.QUEUED, 0)


def test_the_sweep_validates_a_run_left_queued_exactly_once(world, api, broker_down):
    _upload(api, world)
    run = ValidationRun.objects.get()
    assert run.dispatched_at is None  # the broker never took it
    celery_app.conf.task_always_eager = True  # the broker is back (tasks run inline)
    # No waiting period: a job the broker never took is handed over at the next sweep.
    assert jobs_sweep()["published"] == 1
    run.refresh_from_db()
    assert (run.status, run.attempts) == (choices.RunStatus.PASSED, 1)
    assert jobs_sweep()["published"] == 0


def test_the_sweep_leaves_runs_the_broker_has_taken(world, api, broker_down, settings):
    _upload(api, world)
    celery_app.conf.task_always_eager = True
    ValidationRun.objects.update(dispatched_at=timezone.now())
    assert jobs_sweep()["published"] == 0
    # ... unless their message was lost long ago (e.g. a broker restarted without its data).
    old = timezone.now() - dt.timedelta(seconds=settings.DDMS_REQUEUE_AFTER_SECONDS + 1)
    ValidationRun.objects.update(dispatched_at=old)
    assert jobs_sweep()["published"] == 1
    assert ValidationRun.objects.get().status == choices.RunStatus.PASSED
