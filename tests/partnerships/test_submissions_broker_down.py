"""An upload while the broker is unreachable still succeeds; the sweep queues its run later."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from ddms_platform.celery import app as celery_app
from partnerships import choices
from partnerships.models import ValidationRun
from partnerships.services.validation import validation_runs_requeue
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
    assert seconds < 10
    run = ValidationRun.objects.get()
    assert (run.status, run.attempts) == (choices.RunStatus.QUEUED, 0)


def test_the_sweep_validates_a_run_left_queued_exactly_once(world, api, broker_down, settings):
    _upload(api, world)
    celery_app.conf.task_always_eager = True  # the broker is back (tasks run inline)
    run = ValidationRun.objects.get()
    assert validation_runs_requeue() == 0  # not waiting long enough yet
    ValidationRun.objects.update(
        queued_at=timezone.now() - dt.timedelta(seconds=settings.DDMS_REQUEUE_AFTER_SECONDS + 1)
    )
    assert validation_runs_requeue() == 1
    run.refresh_from_db()
    assert (run.status, run.attempts) == (choices.RunStatus.PASSED, 1)
    assert validation_runs_requeue() == 0


def test_the_sweep_leaves_runs_a_worker_has_started(world, api, broker_down, settings):
    _upload(api, world)
    celery_app.conf.task_always_eager = True
    old = timezone.now() - dt.timedelta(seconds=settings.DDMS_REQUEUE_AFTER_SECONDS + 1)
    ValidationRun.objects.update(queued_at=old, attempts=1)
    assert validation_runs_requeue() == 0
