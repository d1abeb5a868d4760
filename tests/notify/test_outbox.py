"""The outbox relay: pending rows reach the broker; a broker outage delays but loses nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.test import override_settings

from ddms_platform.celery import app as celery_app
from ddms_platform.notify.models import OutboxEvent
from ddms_platform.notify.registry import unregister
from ddms_platform.notify.services import outbox_record, outbox_relay
from tests.services import free_port, producer_broker

from . import handlers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _broadcast_handler() -> Iterator[None]:
    handlers.install()
    yield
    unregister(handlers.KIND)


@pytest.fixture
def dead_broker() -> Iterator[None]:
    """A non-eager producer pointed at a port where nothing listens."""
    celery_app.conf.task_always_eager = False
    try:
        with producer_broker(f"redis://127.0.0.1:{free_port()}/0"):
            yield
    finally:
        celery_app.conf.task_always_eager = True


def test_the_relay_hands_pending_events_over_and_marks_them_done():
    event = outbox_record(kind=handlers.KIND)  # no commit in this test: on_commit never ran
    assert outbox_relay() == 1
    event.refresh_from_db()
    assert event.status == "done" and event.attempts == 1


def test_an_unreachable_broker_leaves_the_event_pending_quickly(
    dead_broker, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        event = outbox_record(kind=handlers.KIND)
    assert time.monotonic() - started < 5
    event.refresh_from_db()
    assert event.status == "pending"
    assert "publish failed" in event.last_error
    assert outbox_relay() == 0


@override_settings(DDMS_OUTBOX_STALE_SECONDS=0)
def test_the_relay_requeues_events_stuck_in_dispatched():
    event = outbox_record(kind=handlers.KIND)
    OutboxEvent.objects.filter(pk=event.pk).update(
        status="dispatched", dispatched_at="2020-01-01T00:00Z"
    )
    assert outbox_relay() == 1
    event.refresh_from_db()
    assert event.status == "done"
