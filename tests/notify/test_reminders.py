"""Daily reminders: agreements nearing their end (the ladder: tests/partnerships/test_obligations_escalation.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from ddms_platform.notify.models import OutboxEvent
from partnerships.reminder_tasks import send_reminders
from partnerships.reminders import reminders_record
from tests.factories import AgreementFactory, DataRequestFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2030, 3, 10)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def test_an_agreement_within_its_notice_period_is_announced_once_per_end_date(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    agreement = AgreementFactory(
        nsi=world.nsi,
        partners=[world.partner_a],
        state="active",
        ends_on=days(30),
        renewal_notice_days=60,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_record(today=TODAY)["agreements"] == 1
    assert reminders_record(today=days(1))["agreements"] == 0  # same end date: once
    assert sorted(smtp_sink.handler.recipients()) == ["nsi@example.org", "pa@example.org"]

    type(agreement).objects.filter(pk=agreement.pk).update(ends_on=days(40))  # extended
    assert reminders_record(today=days(1))["agreements"] == 1
    assert OutboxEvent.objects.filter(kind="agreement.ending").count() == 2


def test_agreements_outside_the_notice_period_or_not_running_are_left_alone(world):
    AgreementFactory(nsi=world.nsi, state="active", ends_on=days(61), renewal_notice_days=60)
    AgreementFactory(nsi=world.nsi, state="draft", ends_on=days(5))
    AgreementFactory(nsi=world.nsi, state="terminated", ends_on=days(5))
    AgreementFactory(nsi=world.nsi, state="active", ends_on=days(-1))
    assert reminders_record(today=TODAY)["agreements"] == 0


def test_answered_requests_get_no_reminder(world):
    for state in ("submitted", "accepted", "closed", "withdrawn", "declined"):
        DataRequestFactory(
            requester=world.nsi, provider=world.partner_a, state=state, due_on=days(-3)
        )
    assert reminders_record(today=TODAY)["requests"] == 0


def test_the_reminder_job_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["partnerships-daily-reminders"]
    assert entry["task"] == send_reminders.name == "partnerships.send_reminders"


def test_the_reminder_task_records_todays_reminders(world):
    AgreementFactory(nsi=world.nsi, state="signed", ends_on=dt.date.today())
    assert send_reminders.delay().get() == {
        "agreements": 1,
        "requests": 0,
        "expired": 0,
        "inactive": 0,
    }
