"""The job machinery's promises that need no worker: schedule, registry, bounded publish."""

from __future__ import annotations

import time

from django.conf import settings

from ddms_platform.celery import app as celery_app
from ddms_platform.core import broker
from ddms_platform.core.jobs import job_tasks
from tests.services import free_port, producer_broker


def test_a_dead_workers_job_is_taken_back_within_two_minutes_by_default():
    schedule = settings.CELERY_BEAT_SCHEDULE["sweep-jobs"]
    assert schedule["task"] == "ddms_platform.core.sweep_jobs"
    assert settings.DDMS_JOB_LEASE_SECONDS + schedule["schedule"] <= 120


def test_every_job_model_has_one_job_task():
    tasks = {task.name: task.runner.model._meta.label for task in job_tasks()}
    assert tasks == {
        "partnerships.validate_submission": "partnerships.ValidationRun",
        "indicators.load_submission": "indicators.ObservationLoad",
        "notify.deliver_batch": "notify.DeliveryBatch",
    }
    for task in job_tasks():
        assert task.acks_late and task.reject_on_worker_lost


def test_a_publish_to_an_unreachable_broker_gives_up_at_once_and_then_skips():
    task = next(t for t in job_tasks() if t.name == "notify.deliver_batch")
    celery_app.conf.task_always_eager = False
    try:
        with producer_broker(f"redis://127.0.0.1:{free_port()}/0"):
            for _ in range(2):
                started = time.monotonic()
                try:
                    broker.broker_publish(task, 1)
                except broker.BrokerUnavailable:
                    pass
                else:
                    raise AssertionError("published to a broker that is not there")
                assert time.monotonic() - started < 1.0
    finally:
        celery_app.conf.task_always_eager = True
