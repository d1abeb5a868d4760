"""Celery entry points: thin, taking ids, calling services."""

from __future__ import annotations

from celery import shared_task

from ddms_platform.core.jobs import JobTask

from .services import publish_due_releases
from .services.observations import observation_load_runner


@shared_task(base=JobTask, name="indicators.load_submission", runner=observation_load_runner)
def load_submission(load_id: int) -> None:
    """Run one observation load job (a job: see core/jobs.py; idempotent upsert)."""
    observation_load_runner.run(load_id)


@shared_task(name="indicators.publish_due_releases")
def publish_due_releases_task() -> list[int]:
    """Release every scheduled publication whose time has come (runs every minute)."""
    return publish_due_releases()


@shared_task(name="indicators.flush_download_counts", ignore_result=True)
def flush_download_counts() -> int:
    """Every five minutes: open-data download counters from the cache into the database."""
    from .services.downloads import download_counts_flush

    return download_counts_flush()
