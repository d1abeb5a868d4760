"""Thin Celery entry point of the daily reminders (autodiscovered as `reminder_tasks`)."""

from __future__ import annotations

from celery import shared_task

from .reminders import reminders_record
from .services.obligations import periods_generate


@shared_task(name="partnerships.send_reminders", acks_late=True, ignore_result=True)
def send_reminders() -> dict[str, int]:
    """Daily: record the day's reminders; the outbox delivers them."""
    return reminders_record()


@shared_task(name="partnerships.generate_periods", acks_late=True, ignore_result=True)
def generate_periods() -> int:
    """Daily: create each deliverable's opened periods' requests (idempotent, catches up)."""
    return periods_generate()
