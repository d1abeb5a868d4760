"""With PostgreSQL, Redis, real workers and a real SMTP server: outages lose nothing.

Each test owns its failure: its own redis-server on a free port, or its own worker to kill.
"""

from __future__ import annotations

import collections
import time

import pytest

from ddms_platform.core.models import AuditEntry
from ddms_platform.notify.models import Notification, OutboxEvent
from ddms_platform.notify.services import outbox_relay
from indicators.services.publications import publication_publish
from tests.factories import approved
from tests.services import producer_broker, wait_for

from .releases import make_indicator, make_publication, make_subscribers

pytestmark = [pytest.mark.services, pytest.mark.worker]


def deliveries(sink) -> collections.Counter[str]:  # noqa: ANN001
    return collections.Counter(sink.handler.recipients())


def test_a_release_while_redis_is_down_is_delivered_once_after_it_returns(
    private_redis, worker_factory, smtp_sink, world
):
    indicator = make_indicator()
    subscribers = make_subscribers(indicator, 20)
    publication = make_publication(indicator)
    with producer_broker(private_redis.url):
        private_redis.stop()
        started = time.monotonic()
        publication_publish(actor=world.nsi_manager, publication=approved(publication))  # commits
        elapsed = time.monotonic() - started
        assert elapsed < 5, f"the release took {elapsed:.1f}s with the broker down"
        event = OutboxEvent.objects.get(kind="publication.released")
        assert event.status == "pending"

        private_redis.start()
        worker_factory(extra_env={"CELERY_BROKER_URL": private_redis.url, **smtp_sink.env()})
        # This process remembers the failure for a moment (core/broker.py), then hands over.
        wait_for(lambda: outbox_relay() == 1, timeout=15, interval=0.5, what="event relayed")
        wait_for(
            lambda: len(smtp_sink.messages) >= len(subscribers),
            timeout=30,
            what="every subscriber's e-mail",
        )
        wait_for(
            lambda: not Notification.objects.exclude(status="sent").exists(),
            timeout=10,
            what="all notifications marked sent",
        )
    counts = deliveries(smtp_sink)
    assert set(counts) == {s.email for s in subscribers}
    assert set(counts.values()) == {1}


# Short lease for the test workers; the broker keeps its default visibility timeout (2 h).
FAST_RECOVERY = {"DDMS_JOB_LEASE_SECONDS": "5", "DDMS_JOB_SWEEP_SECONDS": "1"}
SUBSCRIBERS = 2500


def test_a_worker_killed_during_fan_out_leaves_every_subscriber_exactly_one_email(
    worker_factory, beat_factory, smtp_sink, world, api
):
    env = {**smtp_sink.env(), **FAST_RECOVERY}
    indicator = make_indicator()
    subscribers = make_subscribers(indicator, SUBSCRIBERS)
    publication = make_publication(indicator)
    first = worker_factory(extra_env=env)  # one process: one SMTP connection in flight
    beat_factory(extra_env=FAST_RECOVERY)
    publication_publish(actor=world.nsi_manager, publication=approved(publication))
    wait_for(
        lambda: len(smtp_sink.messages) >= 700, timeout=120, interval=0.01, what="mails under way"
    )
    first.kill()
    killed = time.monotonic()
    assert len(smtp_sink.messages) < SUBSCRIBERS, "the worker finished before it could be killed"

    second = worker_factory(extra_env=env)
    open_states = ("pending", "sending")
    wait_for(
        lambda: (
            Notification.objects.count() == SUBSCRIBERS
            and not Notification.objects.filter(status__in=open_states).exists()
        ),
        timeout=120,
        what="every notification sent or resolved",
    )
    recovery = time.monotonic() - killed
    # A warm shutdown finishes whatever the worker still has in hand: the counts are final.
    second.stop()
    statuses = collections.Counter(Notification.objects.values_list("status", flat=True))
    print(f"RECOVERY fan-out of {SUBSCRIBERS} kill -> finished: {recovery:.1f}s {dict(statuses)}")
    # Exactly one message was in flight on the killed worker's one connection (or none, if
    # the kill fell between two messages); every other subscriber got exactly one.
    assert statuses["sent"] >= SUBSCRIBERS - 1 and statuses["unknown"] <= 1, statuses
    assert statuses["sent"] + statuses["unknown"] == SUBSCRIBERS
    counts = deliveries(smtp_sink)
    sent = dict(Notification.objects.filter(status="sent").values_list("email", "pk"))
    assert {a: counts[a] for a in sent} == dict.fromkeys(sent, 1)
    assert set(counts) <= {s.email for s in subscribers}

    # Retrying: never what was recorded sent; the unknown one only with confirmation. The
    # subscribers are e-mail addresses with no account: their deliveries are the admins'.
    manager = api(world.admin)
    some_sent = next(iter(sent.values()))
    refused = manager.post(f"/api/v1/notifications/{some_sent}/retry/", {}, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "not_retryable"
    unknown = Notification.objects.filter(status="unknown").first()
    if unknown is not None:
        assert "outcome unknown" in unknown.last_error
        url = f"/api/v1/notifications/{unknown.pk}/retry/"
        asked = manager.post(url, {}, format="json")
        assert asked.status_code == 400
        assert asked.json()["error"]["code"] == "confirmation_required"
        third = worker_factory(extra_env=env)
        confirmed = manager.post(url, {"confirm_unknown_outcome": True}, format="json")
        assert confirmed.status_code == 200, confirmed.json()
        entry = AuditEntry.objects.get(action="notification.retry", object_id=str(unknown.pk))
        assert entry.after["confirmed_unknown_outcome"] is True
        assert entry.actor == world.admin
        wait_for(
            lambda: Notification.objects.get(pk=unknown.pk).status == "sent",
            timeout=30,
            what="the confirmed retry sent",
        )
        third.stop()
    after = deliveries(smtp_sink)
    assert {a: after[a] for a in sent} == dict.fromkeys(sent, 1)  # none sent was sent again
    ids_by_address = collections.defaultdict(set)
    for message in smtp_sink.messages:
        ids_by_address[message["To"]].add(message["Message-ID"])
    assert all(len(ids_by_address[a]) == 1 for a in sent)
