"""Subscribers hear when an announced release is postponed or cancelled, with the reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ddms_platform.notify.models import OutboxEvent
from indicators.services.publications import publication_schedule, publication_unschedule
from tests.factories import approved

from .releases import make_indicator, make_publication, make_subscribers

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("cancel", "word"), [(False, "postponed"), (True, "cancelled")])
def test_subscribers_are_told_of_a_postponement_or_cancellation_with_the_reason(
    world, smtp_sink, django_capture_on_commit_callbacks, cancel, word
):
    indicator = make_indicator()
    make_subscribers(indicator, 2)
    publication = publication_schedule(
        actor=world.nsi_manager,
        publication=approved(make_publication(indicator)),
        release_at=timezone.now() + dt.timedelta(days=3),
    )
    with django_capture_on_commit_callbacks(execute=True):
        publication_unschedule(
            actor=world.nsi_manager,
            publication=publication,
            reason="The source file is late.",
            cancel=cancel,
        )
    event = OutboxEvent.objects.get(kind="publication.calendar_changed")
    assert event.payload["change"] == word
    assert sorted(smtp_sink.handler.recipients()) == ["s0@example.org", "s1@example.org"]
    message = smtp_sink.messages[0]
    assert word in message["Subject"].lower()
    text = message.get_payload()[0].get_payload(decode=True).decode()
    assert "The source file is late." in text
    assert not OutboxEvent.objects.filter(kind="publication.released").exists()


def test_cancelling_a_release_never_announced_tells_nobody(world):
    indicator = make_indicator()
    make_subscribers(indicator, 1)
    publication_unschedule(
        actor=world.nsi_manager, publication=make_publication(indicator), cancel=True
    )
    assert not OutboxEvent.objects.exists()
