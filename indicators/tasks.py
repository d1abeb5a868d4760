"""Celery entry points: thin, taking ids, calling services."""

from __future__ import annotations

from celery import shared_task

from .services import observation_load_run, publish_due_releases
from .services.observations import observation_loads_requeue


@shared_task(name="indicators.load_submission")
def load_submission(load_id: int) -> str:
    """Run one observation load job (idempotent: an upsert on the observation key)."""
    return observation_load_run(load_id=load_id)


@shared_task(name="indicators.publish_due_releases")
def publish_due_releases_task() -> list[int]:
    """Release every scheduled publication whose time has come (runs every minute)."""
    return publish_due_releases()


@shared_task(name="indicators.requeue_loads", ignore_result=True)
def requeue_loads() -> int:
    """Periodic: queue again observation loads queued while the broker was down."""
    return observation_loads_requeue()
