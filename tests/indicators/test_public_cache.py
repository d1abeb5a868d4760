"""Public reads are cached under the version of the public content: a release going public
changes them at once, never a moment early, and every visitor gets their own CSRF token."""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from ddms_platform.core.httpcache import new_generation
from indicators import services
from indicators.models import Publication
from indicators.selectors.publications import VERSION_MEMO_SECONDS, public_version
from tests.factories import approved

from ..factories import IndicatorFactory
from .conftest import add_obs, scheduled_release

PAGE = "/indicators/PT_ACCESS/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def public(world, geo, indicator):
    """PT_ACCESS released for one municipality; a second release scheduled an hour ahead."""
    add_obs(indicator, geo.m1, "2023", "51.25")
    first = services.publication_create(
        actor=world.nsi_manager,
        series="first",
        title="First release",
        indicators=[indicator],
        territory=geo.m1,
    )
    services.publication_publish(actor=world.nsi_manager, publication=approved(first))
    add_obs(indicator, geo.m2, "2023", "77.7")
    release_at = timezone.now() + dt.timedelta(hours=1)
    second = scheduled_release(world.nsi_manager, indicator, geo.m2, release_at, series="second")
    second.title = "Second release"
    second.save()
    return second


def test_it_serves_the_cached_page_without_a_query(public, django_assert_num_queries):
    first = Client().get(PAGE)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = Client().get(PAGE)
    assert again.status_code == 200
    assert TOKEN.sub("", again.content.decode()) == TOKEN.sub("", first.content.decode())
    assert "First release" in again.content.decode()


def test_each_visitor_gets_a_csrf_token_that_works(public):
    Client().get(PAGE)  # fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(PAGE)
    token = TOKEN.search(page.content.decode())
    assert token is not None and "\x00" not in token.group(1)
    response = visitor.post(
        f"{PAGE}subscribe/", {"email": "reader@example.org", "csrfmiddlewaretoken": token.group(1)}
    )
    assert response.status_code == 302


def test_a_scheduled_release_shows_at_its_time_before_the_job_runs(public, frozen_now):
    release_at = public.release_at
    frozen_now(release_at - dt.timedelta(microseconds=1))
    before = Client().get(PAGE).content.decode()
    assert "Second release" not in before and "77.7" not in before
    assert "Second release" not in Client().get(PAGE).content.decode()  # from the cache
    frozen_now(release_at)
    public.refresh_from_db()
    assert public.state == "scheduled"  # publish_due_releases has not run
    at_time = Client().get(PAGE).content.decode()
    assert "Second release" in at_time and "77.7" in at_time


def test_the_calendar_and_catalogue_move_with_the_release_time(world, geo, public, frozen_now):
    newcomer = IndicatorFactory(code="NEW_ONE", name_en="Newcomer indicator")
    add_obs(newcomer, geo.m2, "2023", "5")
    scheduled_release(world.nsi_manager, newcomer, geo.m2, public.release_at, series="new")
    frozen_now(public.release_at - dt.timedelta(seconds=1))
    calendar = Client().get("/releases/")
    assert "Newcomer indicator" not in Client().get("/indicators/").content.decode()
    assert "Newcomer indicator" not in Client().get("/indicators/").content.decode()  # cached
    frozen_now(public.release_at)
    after = Client().get("/releases/")
    assert after["ETag"] != calendar["ETag"]
    assert "Newcomer indicator" in Client().get("/indicators/").content.decode()


def test_a_release_page_appears_at_its_time_and_is_then_cached(
    public, frozen_now, django_assert_num_queries
):
    url = f"/releases/{public.pk}/"
    frozen_now(public.release_at - dt.timedelta(microseconds=1))
    before = Client().get(url).content.decode()
    assert "Scheduled for" in before and 'id="release-state"' not in before
    frozen_now(public.release_at)
    after = Client().get(url).content.decode()
    assert "Second release" in after and 'id="release-state"' in after
    with django_assert_num_queries(0):
        assert Client().get(url).status_code == 200


def test_publishing_now_changes_the_page_at_once(world, public):
    before = Client().get(PAGE)
    assert "Second release" not in before.content.decode()
    services.publication_publish(
        actor=world.nsi_manager, publication=public, reason="Brought forward for the test."
    )
    after = Client().get(PAGE, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "Second release" in after.content.decode()


def test_it_answers_304_to_if_none_match(public):
    browser = Client()
    first = browser.get(PAGE)
    assert first["Cache-Control"] == "private, no-cache"
    assert first["Last-Modified"]
    again = browser.get(PAGE, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert browser.get(f"{PAGE}?sex=F", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    # Another browser's copy holds a CSRF token for another cookie: it gets a fresh page.
    assert Client().get(PAGE, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_language_variants_are_cached_apart(public):
    english = Client().get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
    serbian = Client().get(PAGE, HTTP_ACCEPT_LANGUAGE="sr")
    assert english["ETag"] != serbian["ETag"]
    assert Client().get(PAGE, HTTP_ACCEPT_LANGUAGE="sr").content.decode().count('lang="sr"') >= 1
    assert '<html lang="en">' in Client().get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="sr">' in Client().get(PAGE, HTTP_ACCEPT_LANGUAGE="sr").content.decode()


def test_a_signed_in_user_never_gets_the_anonymous_page(world, public):
    Client().get(PAGE)
    client = Client()
    client.force_login(world.city_user)
    page = client.get(PAGE).content.decode()
    assert "Sign out" in page
    assert "Sign out" not in Client().get(PAGE).content.decode()


def test_a_pending_message_is_shown_once_and_never_cached(public):
    visitor = Client()
    visitor.post(f"{PAGE}subscribe/", {"email": "reader@example.org"})
    with_message = visitor.get(PAGE).content.decode()
    assert "Subscribed." in with_message
    assert "Subscribed." not in Client().get(PAGE).content.decode()


def test_an_edit_to_an_indicator_shows_at_once(public):
    assert "Renamed indicator" not in Client().get(PAGE).content.decode()
    indicator = public.indicators.get()
    indicator.name_en = "Renamed indicator"
    indicator.save()  # as the admin or a service would: the save starts a new generation
    assert "Renamed indicator" in Client().get(PAGE).content.decode()


def test_the_version_moves_exactly_at_the_release_time(public):
    at = public.release_at
    just_before = public_version(now=at - dt.timedelta(microseconds=1))
    assert public_version(now=at - dt.timedelta(minutes=5)) == just_before
    assert public_version(now=at) != just_before


def test_series_and_downloads_come_from_the_cache_until_a_release(
    api, world, public, django_assert_num_queries
):
    url = "/api/v1/indicators/PT_ACCESS/series/"
    first = api(None).get(url)
    with django_assert_num_queries(0):
        assert api(None).get(url).content == first.content
    csv_url = "/api/v1/open-data/observations.csv?indicator=PT_ACCESS"
    body = b"".join(api(None).get(csv_url).streaming_content)
    with django_assert_num_queries(0):
        assert b"".join(api(None).get(csv_url).streaming_content) == body
    services.publication_publish(
        actor=world.nsi_manager, publication=public, reason="Brought forward for the test."
    )
    assert b"77.7" in api(None).get(url).content
    assert b"77.7" in b"".join(api(None).get(csv_url).streaming_content)


def test_the_release_calendar_api_answers_304(api, public):
    for url in ("/api/v1/release-calendar/", "/api/v1/release-calendar.ics"):
        first = api(None).get(url)
        assert api(None).get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_public_api_reads_are_cached_for_anonymous_readers_only(
    api, world, public, django_assert_num_queries
):
    url = "/api/v1/observations/?format=json"
    first = api(None).get(url)
    assert first.status_code == 200 and first["ETag"]
    with django_assert_num_queries(0):
        assert api(None).get(url).content == first.content
    assert api(None).get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    staff = api(world.nsi_manager).get(url)
    assert "ETag" not in staff and staff.json()["count"] == 2  # the embargoed value too
    assert first.json()["count"] == 1
    services.publication_publish(
        actor=world.nsi_manager, publication=public, reason="Brought forward for the test."
    )
    assert api(None).get(url, HTTP_IF_NONE_MATCH=first["ETag"]).json()["count"] == 2


def test_the_browsable_api_is_never_cached(api, public):
    page = api(None).get("/api/v1/indicators/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and "ETag" not in page


def test_a_release_made_public_by_another_process_shows_within_a_second(public, monkeypatch):
    """Another web process's signal never reaches this one when the cache is local memory."""
    import time

    assert "Second release" not in Client().get(PAGE).content.decode()
    Publication.objects.filter(pk=public.pk).update(
        state="published", release_at=timezone.now() - dt.timedelta(seconds=1)
    )  # an update() sends no signal, like a write in another process
    real = time.monotonic
    monkeypatch.setattr(time, "monotonic", lambda: real() + VERSION_MEMO_SECONDS + 0.01)
    assert "Second release" in Client().get(PAGE).content.decode()


@pytest.mark.usefixtures("services")
def test_on_redis_pages_come_from_the_shared_cache_and_a_publish_shows_at_once(
    world, public, settings, django_assert_num_queries
):
    # A prefix of its own: clearing would flush the Redis database the broker uses.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CELERY_BROKER_URL"],
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    new_generation()
    Client().get(PAGE)
    with django_assert_num_queries(0):
        assert "First release" in Client().get(PAGE).content.decode()
    assert cache.get("ddms:public-generation")  # shared with every other web process
    services.publication_publish(
        actor=world.nsi_manager, publication=public, reason="Brought forward for the test."
    )
    assert "Second release" in Client().get(PAGE).content.decode()
    cache.delete("ddms:public-generation")  # the only key without an expiry
