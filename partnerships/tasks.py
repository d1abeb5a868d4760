"""Celery entry points of the partnerships app: thin, id in, service call."""

from __future__ import annotations

from celery import shared_task

from ddms_platform.core.jobs import JobTask

from .services.validation import validation_runner


@shared_task(base=JobTask, name="partnerships.validate_submission", runner=validation_runner)
def validate_submission(run_id: int) -> None:
    """Validate the submission of ValidationRun `run_id` (a job: see core/jobs.py)."""
    validation_runner.run(run_id)
