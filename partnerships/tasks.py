"""Celery entry points of the partnerships app: thin, id in, service call."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from .services.validation import validation_run_execute, validation_runs_requeue


@shared_task(
    name="partnerships.validate_submission",
    # A worker killed mid-run hands the message back (late ack, reject on worker lost); the
    # run row, not Celery, decides whether work remains, so a second delivery is harmless.
    acks_late=True,
    reject_on_worker_lost=True,
    # Below the broker's visibility timeout, or a long run would be handed out twice.
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    ignore_result=True,
)
def validate_submission(run_id: int) -> None:
    """Validate the submission of ValidationRun `run_id`."""
    validation_run_execute(run_id=run_id)


@shared_task(name="partnerships.requeue_validations", ignore_result=True)
def requeue_validations() -> int:
    """Periodic: queue again validation runs queued while the broker was down."""
    return validation_runs_requeue()
