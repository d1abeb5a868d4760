"""With PostgreSQL, Redis, real workers and a real SMTP server: outages lose nothing.

Each test owns its failure: its own redis-server on a free port, or its own worker to kill.
"""

from __future__ import annotations

import collections
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest
from django.test import override_settings

from ddms_platform.notify.models import Notification, OutboxEvent
from ddms_platform.notify.services import outbox_relay
from indicators.services.publications import publication_publish
from tests.services import free_port, producer_broker, wait_for

from .releases import make_indicator, make_publication, make_subscribers

pytestmark = [pytest.mark.services, pytest.mark.worker]


class RedisServer:
    """A private redis-server: start, stop and start again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._up, timeout=10, what=f"redis on port {self.port}")

    def _up(self) -> bool:
        import socket

        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


@pytest.fixture
def private_redis(services: None) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


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
        publication_publish(actor=world.nsi_manager, publication=publication)  # commits
        elapsed = time.monotonic() - started
        assert elapsed < 5, f"the release took {elapsed:.1f}s with the broker down"
        event = OutboxEvent.objects.get(kind="publication.released")
        assert event.status == "pending"

        private_redis.start()
        worker_factory(extra_env={"CELERY_BROKER_URL": private_redis.url, **smtp_sink.env()})
        assert outbox_relay() == 1
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


def test_a_worker_killed_during_fan_out_leaves_every_subscriber_exactly_one_email(
    worker_factory, smtp_sink, world
):
    env = {**smtp_sink.env(), "DDMS_NOTIFY_BATCH_SIZE": "5"}
    indicator = make_indicator()
    subscribers = make_subscribers(indicator, 300)
    publication = make_publication(indicator)
    first = worker_factory(extra_env=env)
    publication_publish(actor=world.nsi_manager, publication=publication)
    event = OutboxEvent.objects.get(kind="publication.released")
    # Kill while the fan-out is half-way: rows exist but the event is not done.
    wait_for(
        lambda: Notification.objects.count() >= 30,
        timeout=30,
        interval=0.01,
        what="fan-out under way",
    )
    first.kill()
    event.refresh_from_db()
    assert event.status == "dispatched", "the worker finished before it could be killed"
    assert Notification.objects.count() < len(subscribers)

    second = worker_factory(extra_env=env)
    # The relay's sweep hands the unfinished event over again (stale threshold zero here).
    with override_settings(DDMS_OUTBOX_STALE_SECONDS=0):
        outbox_relay()
    wait_for(
        lambda: Notification.objects.filter(status="sent").count() == len(subscribers),
        timeout=60,
        what="every notification sent",
    )
    # A warm shutdown finishes whatever the worker still has in hand: after it, nothing more
    # can be sent, so the count below is final.
    second.stop()
    counts = deliveries(smtp_sink)
    assert len(counts) == len(subscribers)
    assert set(counts.values()) == {1}
