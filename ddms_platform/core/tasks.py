"""Periodic platform jobs of the core app."""

from __future__ import annotations

from celery import shared_task

from .jobs import jobs_sweep


@shared_task(name="ddms_platform.core.sweep_jobs", ignore_result=True)
def sweep_jobs() -> dict[str, int]:
    """Periodic: recover jobs of dead workers; hand queued jobs to the broker."""
    return jobs_sweep()
