"""A released publication notifies its followers once each; an embargo notifies nobody early."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ddms_platform.notify.models import Notification, OutboxEvent
from ddms_platform.notify.services import notifications_deliver, outbox_relay
from indicators.models import Observation, Subscription
from indicators.services.publications import (
    publication_publish,
    publication_schedule,
    publish_due_releases,
)
from tests.factories import TerritoryFactory, approved

from .releases import make_indicator, make_publication, make_subscribers

pytestmark = pytest.mark.django_db


def test_a_release_emails_each_follower_once(world, smtp_sink, django_capture_on_commit_callbacks):
    indicator = make_indicator()
    make_subscribers(indicator, 3)
    # Following by topic too: still one message for that address.
    Subscription.objects.create(
        email="s0@example.org", topic="population", confirmed_at=timezone.now()
    )
    Subscription.objects.create(email="unconfirmed@example.org", topic="population")
    publication = make_publication(indicator)
    with django_capture_on_commit_callbacks(execute=True):
        publication_publish(actor=world.nsi_manager, publication=approved(publication))
    assert sorted(smtp_sink.handler.recipients()) == [f"s{i}@example.org" for i in range(3)]
    message = smtp_sink.messages[0]
    assert "Release pop-2026" in message["Subject"]
    assert message["List-Unsubscribe"].strip().startswith("<http")
    assert "/subscriptions/unsubscribe/" in message["List-Unsubscribe"]


def test_a_user_subscription_uses_the_account_address(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    indicator = make_indicator()
    sub = Subscription.objects.create(user=world.city_user, pilot=None, confirmed_at=timezone.now())
    sub.indicators.set([indicator])
    with django_capture_on_commit_callbacks(execute=True):
        publication_publish(
            actor=world.nsi_manager, publication=approved(make_publication(indicator))
        )
    assert smtp_sink.handler.recipients() == [world.city_user.email]


def test_a_revision_says_what_changed(world, smtp_sink, django_capture_on_commit_callbacks):
    from indicators.services.publications import publication_revise

    indicator = make_indicator()
    make_subscribers(indicator, 1)
    territory = TerritoryFactory(code="RS-X")
    cell = Observation.objects.create(
        indicator=indicator,
        territory=territory,
        period="2024",
        period_type="A",
        period_start=dt.date(2024, 1, 1),
        value=1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = publication_publish(
            actor=world.nsi_manager, publication=approved(make_publication(indicator))
        )
    revision = publication_revise(actor=world.nsi_manager, publication=first)
    cell.value = 2
    cell.save()
    with django_capture_on_commit_callbacks(execute=True):
        publication_publish(actor=world.nsi_manager, publication=approved(revision))
    assert "Revised release" in smtp_sink.messages[1]["Subject"]
    text = smtp_sink.messages[1].get_payload()[0].get_payload(decode=True).decode()
    assert "What changed:" in text


def test_an_embargoed_release_notifies_nobody_before_its_time(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    indicator = make_indicator()
    make_subscribers(indicator, 2)
    publication = make_publication(indicator)
    release_at = timezone.now() + dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        publication_schedule(
            actor=world.nsi_manager, publication=approved(publication), release_at=release_at
        )
    outbox_relay()
    assert smtp_sink.messages == [] and Notification.objects.count() == 0

    # Even an event recorded too early (a bug, a clock skew) is held at fan-out ...
    event = OutboxEvent.objects.create(
        kind="publication.released", payload={"publication_id": publication.pk}
    )
    outbox_relay()
    event.refresh_from_db()
    assert event.status == "pending" and event.available_at == release_at
    assert smtp_sink.messages == []

    # ... and a notification that exists already is held at delivery.
    n = Notification.objects.create(
        event=event, channel="email", recipient_key="email:x", email="x@example.org"
    )
    assert notifications_deliver(notification_ids=[n.pk]) == 0
    n.refresh_from_db()
    assert n.status == "pending" and n.next_attempt_at == release_at
    assert smtp_sink.messages == []


def test_an_embargoed_release_notifies_its_followers_at_release_time(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    indicator = make_indicator()
    make_subscribers(indicator, 2)
    publication = make_publication(indicator)
    release_at = timezone.now() + dt.timedelta(seconds=30)
    publication_schedule(
        actor=world.nsi_manager, publication=approved(publication), release_at=release_at
    )
    # Time passes: the release time is now in the past.
    type(publication).objects.filter(pk=publication.pk).update(
        release_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish_due_releases()
    assert len(smtp_sink.messages) == 2


def test_digest_subscribers_get_no_immediate_email(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    indicator = make_indicator()
    make_subscribers(indicator, 1, frequency="daily")
    with django_capture_on_commit_callbacks(execute=True):
        publication_publish(
            actor=world.nsi_manager, publication=approved(make_publication(indicator))
        )
    assert smtp_sink.messages == []
    assert Notification.objects.get().digest == "daily"
