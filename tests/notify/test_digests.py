"""Daily and weekly digests: one e-mail per subscriber with the period's releases, never twice."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from ddms_platform.notify.models import DeliveryAttempt, Notification
from ddms_platform.notify.services import digests_send, notifications_deliver, notifications_sweep
from ddms_platform.notify.tasks import send_digests
from indicators.services.publications import publication_publish
from tests.factories import approved

from .releases import make_indicator, make_publication, make_subscribers

pytestmark = pytest.mark.django_db


def release(world, capture, indicator, series: str) -> None:
    with capture(execute=True):
        publication_publish(
            actor=world.nsi_manager,
            publication=approved(make_publication(indicator, series=series, **_year(series))),
        )


def _year(series: str) -> dict[str, dt.date]:
    """Each series declares its own year (a cell belongs to one series)."""
    year = int(series.rsplit("-", 1)[-1])
    return {"period_from": dt.date(year, 1, 1), "period_to": dt.date(year, 12, 31)}


def text_part(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


def html_part(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/html")
    return part.get_payload(decode=True).decode()


def test_a_daily_digest_groups_the_days_releases_into_one_email_per_subscriber(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    indicator = make_indicator()
    make_subscribers(indicator, 2, frequency="daily")
    release(world, django_capture_on_commit_callbacks, indicator, "pop-2025")
    release(world, django_capture_on_commit_callbacks, indicator, "pop-2026")
    assert smtp_sink.messages == []

    assert send_digests.delay("daily").get() == 2

    assert sorted(smtp_sink.handler.recipients()) == ["s0@example.org", "s1@example.org"]
    message = smtp_sink.messages[0]
    assert "2 updates" in message["Subject"]
    assert "Release pop-2025" in text_part(message) and "Release pop-2026" in text_part(message)
    assert "Release pop-2025" in html_part(message) and "<li>" in html_part(message)
    assert "/subscriptions/unsubscribe/" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert DeliveryAttempt.objects.filter(ok=True).count() == 4


def test_running_the_digest_twice_sends_nothing_more(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    indicator = make_indicator()
    make_subscribers(indicator, 2, frequency="daily")
    release(world, django_capture_on_commit_callbacks, indicator, "pop-2026")
    digests_send(frequency="daily")
    assert digests_send(frequency="daily") == 0
    notifications_sweep()
    assert len(smtp_sink.messages) == 2


def test_the_daily_run_leaves_weekly_subscribers_for_monday(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    indicator = make_indicator()
    make_subscribers(indicator, 1, frequency="weekly")
    release(world, django_capture_on_commit_callbacks, indicator, "pop-2026")
    assert digests_send(frequency="daily") == 0
    assert digests_send(frequency="weekly") == 1
    assert "weekly" in smtp_sink.messages[0]["Subject"]


def test_immediate_delivery_never_sends_a_held_digest_row(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    indicator = make_indicator()
    make_subscribers(indicator, 1, frequency="daily")
    release(world, django_capture_on_commit_callbacks, indicator, "pop-2026")
    assert notifications_deliver(notification_ids=[Notification.objects.get().pk]) == 0
    assert smtp_sink.messages == []


def test_a_run_killed_while_sending_never_sends_twice(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    indicator = make_indicator()
    make_subscribers(indicator, 1, frequency="daily")
    release(world, django_capture_on_commit_callbacks, indicator, "pop-2026")
    # As a killed run leaves it: claimed (sending, committed) and then nothing.
    long_ago = timezone.now() - dt.timedelta(hours=1)
    Notification.objects.update(status="sending", attempts=1, sending_started_at=long_ago)

    assert digests_send(frequency="daily") == 0
    notifications_sweep()  # the lease expired: e-mail is at-most-once
    assert digests_send(frequency="daily") == 0
    assert smtp_sink.messages == []
    row = Notification.objects.get()
    assert row.status == "unknown" and "outcome unknown" in row.last_error


def test_a_digest_that_failed_transiently_is_sent_by_the_sweep(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    indicator = make_indicator()
    make_subscribers(indicator, 1, frequency="daily")
    release(world, django_capture_on_commit_callbacks, indicator, "pop-2026")
    with override_settings(EMAIL_PORT=1):  # nobody listens: the mail server is down
        assert digests_send(frequency="daily") == 0
    row = Notification.objects.get()
    assert (row.status, row.attempts) == ("pending", 1)
    Notification.objects.update(next_attempt_at=timezone.now())  # the backoff has passed

    notifications_sweep()

    assert smtp_sink.handler.recipients() == ["s0@example.org"]
    assert Notification.objects.get().status == "sent"


def test_a_digest_is_written_in_the_subscribers_language(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    indicator = make_indicator()
    make_subscribers(indicator, 1, frequency="daily", language="sr")
    release(world, django_capture_on_commit_callbacks, indicator, "pop-2026")
    digests_send(frequency="daily")
    assert 'lang="sr"' in html_part(smtp_sink.messages[0])


def test_digests_are_scheduled_daily_and_on_monday_mornings():
    daily = settings.CELERY_BEAT_SCHEDULE["notify-daily-digest"]
    weekly = settings.CELERY_BEAT_SCHEDULE["notify-weekly-digest"]
    assert daily["args"] == ("daily",) and weekly["args"] == ("weekly",)
    assert daily["schedule"] == crontab(hour=7, minute=0)
    assert weekly["schedule"] == crontab(hour=7, minute=0, day_of_week="mon")
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE
