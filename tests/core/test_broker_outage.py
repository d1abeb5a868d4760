"""A frozen or stopped broker (a private redis-server) never holds a web request, and the work
queued meanwhile finishes within a minute of its return — no wait for a slow sweep."""

from __future__ import annotations

import time

import pytest

from partnerships.choices import RequestState as S
from partnerships.models import ValidationRun
from tests.partnerships.requests_support import VALID_CSV, acquisition, upload
from tests.services import reset_broker_connections, wait_for

pytestmark = [pytest.mark.services, pytest.mark.worker]


@pytest.fixture
def on_private_redis(private_redis, monkeypatch):
    """This process (web side) and its workers use the private Redis."""
    monkeypatch.setenv("CELERY_BROKER_URL", private_redis.url)
    monkeypatch.setenv("CELERY_BROKER_WRITE_URL", private_redis.url)
    reset_broker_connections()
    yield private_redis
    monkeypatch.undo()
    reset_broker_connections()


def _timed_upload(api, world) -> tuple[int, float]:
    req = acquisition(world, state=S.ACKNOWLEDGED)
    started = time.monotonic()
    response = api(world.partner_a_user).post(
        f"/api/v1/data-requests/{req.pk}/submissions/",
        {"file": upload("data.csv", VALID_CSV)},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"], time.monotonic() - started


def _finished(*submission_ids: int) -> bool:
    runs = ValidationRun.objects.filter(submission_id__in=submission_ids)
    return runs.count() == len(submission_ids) and all(r.status == "passed" for r in runs)


def test_a_frozen_then_restarted_broker_holds_no_request_and_delays_work_briefly(
    on_private_redis, worker_factory, beat_factory, world, api, client
):
    redis = on_private_redis
    env = {"CELERY_BROKER_URL": redis.url}  # default sweep interval and lease
    worker_factory(extra_env=env)
    beat_factory(extra_env=env)

    warm_id, _ = _timed_upload(api, world)  # a running server is warm (imports, caches)
    redis.freeze()
    try:
        frozen = [_timed_upload(api, world) for _ in range(3)]
        started = time.monotonic()
        health = client.get("/healthz")
        health_seconds = time.monotonic() - started
    finally:
        redis.thaw()
    thawed = time.monotonic()
    print(f"FROZEN uploads {[round(s, 2) for _, s in frozen]} s, healthz {health_seconds:.2f} s")
    assert all(seconds < 1.5 for _, seconds in frozen), frozen
    assert health.status_code == 503 and health_seconds < 1.0
    assert health.json()["broker"]["ok"] is False
    assert ValidationRun.objects.filter(dispatched_at__isnull=True).count() == 3  # not warm_id

    ids = [warm_id] + [sub_id for sub_id, _ in frozen]
    wait_for(lambda: _finished(*ids), timeout=60, interval=0.5, what="runs done after thaw")
    print(f"RECOVERY broker thaw -> 3 runs finished: {time.monotonic() - thawed:.1f}s")
    assert client.get("/healthz").status_code == 200

    redis.stop()
    down_id, seconds = _timed_upload(api, world)
    assert seconds < 1.5, seconds
    redis.start()
    restarted = time.monotonic()
    wait_for(lambda: _finished(down_id), timeout=60, interval=0.5, what="run done after restart")
    print(f"RECOVERY broker restart -> run finished: {time.monotonic() - restarted:.1f}s")
    assert ValidationRun.objects.get(submission_id=down_id).attempts == 1
