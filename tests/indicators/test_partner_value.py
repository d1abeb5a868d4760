"""What a partner's data fed: its own deliverables only, counts that match the data, and
download counting with no database write on the request path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from indicators.models import DownloadCount, Publication, ReleasedObservation, Subscription
from indicators.selectors.partner_value import partner_value
from indicators.services.downloads import download_count, download_counts_flush
from indicators.tasks import flush_download_counts
from partnerships.services.obligations import periods_generate
from tests.factories import (
    IndicatorFactory,
    PolicyFactory,
    PolicyTargetFactory,
    TerritoryFactory,
    UserFactory,
)
from tests.partnerships.obligations_support import deliver, make_deliverable

pytestmark = pytest.mark.django_db


def release(title, indicator, submission, *, at, periods=("2026-01",)):
    publication = Publication.objects.create(
        series=title, title=title, state="published", release_at=at, published_at=at
    )
    territory = TerritoryFactory(code="RS-KG")
    for period in periods:
        ReleasedObservation.objects.create(
            publication=publication,
            indicator=indicator,
            territory=territory,
            indicator_code=indicator.code,
            territory_code="RS-KG",
            period=period,
            period_type="M",
            period_start=dt.date(2026, int(period[-2:]), 1),
            value=Decimal("1"),
            status="A",
            submission=submission,
        )
    return publication


@pytest.fixture
def fed(world):
    """Partner A's deliverable fed EN-1 in one release and EN-2 in an embargoed one;
    partner B's deliverable fed EN-3."""
    now = timezone.now()
    own = make_deliverable(world, first_period="2026-01", last_period="2026-01")
    other = make_deliverable(
        world, first_period="2026-01", last_period="2026-01", provider=world.partner_b, title="B"
    )
    periods_generate(today=dt.date(2026, 1, 2))
    subs = {}
    for deliverable in (own, other):
        request = deliverable.data_requests.get()
        deliver(request, dt.date(2026, 2, 3), "passed")
        subs[deliverable.pk] = request.submissions.get()
    en1, en2, en3 = (IndicatorFactory(code=c) for c in ("EN-1", "EN-2", "EN-3"))
    world.published = release("Energy January", en1, subs[own.pk], at=now - dt.timedelta(days=1))
    release("Energy next", en2, subs[own.pk], at=now + dt.timedelta(days=2))  # embargoed
    release("University data", en3, subs[other.pk], at=now - dt.timedelta(days=1))
    for n in range(3):
        subscription = Subscription.objects.create(
            user=UserFactory(username=f"s{n}"), confirmed_at=now
        )
        subscription.indicators.add(en1)
    unconfirmed = Subscription.objects.create(email="later@example.org")
    unconfirmed.indicators.add(en1)
    PolicyTargetFactory(
        policy=PolicyFactory(name="Energy strategy 2030"), indicator_code="EN-1", target_year=2030
    )
    DownloadCount.objects.create(indicator_code="EN-1", month="2026-01", count=7)
    DownloadCount.objects.create(indicator_code="EN-1", month="2026-02", count=2)
    DownloadCount.objects.create(indicator_code="EN-3", month="2026-01", count=99)
    world.own, world.other = own, other
    return world


def test_a_partner_sees_what_its_own_deliverable_fed_and_nothing_under_embargo(fed):
    [value] = partner_value(fed.partner_a_user)
    assert value.deliverable == fed.own
    assert [r["title"] for r in value.releases] == ["Energy January"]
    assert [(i["code"], i["subscribers"]) for i in value.indicators] == [("EN-1", 3)]
    assert [t["policy"] for t in value.targets] == ["Energy strategy 2030"]
    assert value.downloads == [("2026-01", 7), ("2026-02", 2)]
    assert value.subscribers == 3


def test_another_partner_sees_only_its_own(fed):
    [value] = partner_value(fed.partner_b_user)
    assert value.deliverable == fed.other
    assert [i["code"] for i in value.indicators] == ["EN-3"]
    assert partner_value(fed.outsider) == []


def test_the_page_shows_the_figures_and_takes_a_constant_number_of_queries(
    fed, client, django_assert_max_num_queries
):
    client.force_login(fed.partner_a_user)
    with django_assert_max_num_queries(14):
        response = client.get("/portal/value/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Energy January" in body and "Energy next" not in body
    assert "University data" not in body and "EN-3" not in body


def test_the_page_needs_a_login(client):
    assert client.get("/portal/value/").status_code == 302


def test_downloads_are_counted_in_the_cache_and_flushed_once(world, django_assert_num_queries):
    IndicatorFactory(code="EN-1")
    day = dt.date(2026, 3, 5)
    with django_assert_num_queries(0):
        download_count(["EN-1"], today=day)
        download_count(["EN-1", "EN-1"], today=day)  # one download naming it twice
        download_count([], today=day)
    assert download_counts_flush(today=day) == 3
    assert download_counts_flush(today=day) == 0
    download_count(["EN-1"], today=day)
    download_counts_flush(today=day)
    rows = set(DownloadCount.objects.values_list("indicator_code", "month", "count"))
    assert rows == {("EN-1", "2026-03", 3), ("*", "2026-03", 1)}


def test_an_open_data_download_counts_without_a_database_write(
    world, client, django_capture_on_commit_callbacks
):
    IndicatorFactory(code="EN-1")
    cache.clear()
    response = client.get("/api/v1/open-data/observations.csv?indicator=EN-1")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert not DownloadCount.objects.exists()  # nothing written while serving
    assert flush_download_counts.delay().get() == 1
    month = timezone.localdate().strftime("%Y-%m")
    assert DownloadCount.objects.get(indicator_code="EN-1").month == month
