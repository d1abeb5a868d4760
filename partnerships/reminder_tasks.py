"""Thin Celery entry point of the daily reminders (autodiscovered as `reminder_tasks`)."""

from __future__ import annotations

from celery import shared_task

from .reminders import reminders_record


@shared_task(name="partnerships.send_reminders", acks_late=True, ignore_result=True)
def send_reminders() -> dict[str, int]:
    """Daily: record the day's reminders; the outbox delivers them."""
    return reminders_record()
