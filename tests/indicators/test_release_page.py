"""The public page of one release: what an e-mail about a release opens."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_shows_a_released_version_to_anyone(client, pages):
    response = client.get(f"/releases/{pages.published.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert pages.published.title in html
    # The canonical address carries the owner NSI's agency id (codes are unique per owner).
    agency = pages.indicator.owner.agency_id
    assert f'href="/indicators/{agency}/{pages.indicator.code}/"' in html


def test_it_shows_only_the_announcement_of_an_embargoed_release(client, pages):
    response = client.get(f"/releases/{pages.embargoed.pk}/")
    html = response.content.decode()
    assert response.status_code == 200 and "Scheduled for" in html
    assert "987654" not in html and "Embargoed thing" not in html
    assert client.get(f"/releases/{pages.draft_publication.pk}/").status_code == 404


def test_nsi_staff_see_a_release_before_its_time(client, pages):
    client.force_login(pages.nsi_manager)
    assert client.get(f"/releases/{pages.embargoed.pk}/").status_code == 200


def test_the_calendar_links_every_title_to_its_release(client, pages):
    html = client.get("/releases/").content.decode()
    assert f'href="/releases/{pages.published.pk}/"' in html
    assert f'href="/releases/{pages.embargoed.pk}/"' in html
    assert f'href="/releases/{pages.draft_publication.pk}/"' not in html


def test_the_calendar_filters_by_indicator_and_topic_and_offers_the_ics_feed(client, pages):
    code = pages.indicator.code
    html = client.get(f"/releases/?indicator={code}").content.decode()
    assert f'href="/releases/{pages.embargoed.pk}/"' in html
    assert f'href="/releases/{pages.published.pk}/"' in html
    assert f"/api/v1/release-calendar.ics?indicator={code}" in html
    assert "No releases scheduled." in client.get("/releases/?topic=mobility").content.decode()
    ics = client.get(f"/api/v1/release-calendar.ics?indicator={code}").content.decode()
    assert ics.count("BEGIN:VEVENT") == 2


def test_an_indicator_first_released_later_stays_unnamed_on_the_calendar(client, pages):
    # EN-2 has no public release yet: filtering by it shows nothing, and nothing names it.
    html = client.get(f"/releases/?indicator={pages.secret_indicator.code}").content.decode()
    assert "No releases scheduled." in html and "Embargoed thing" not in html
    assert "EN-2" not in str(client.get("/api/v1/release-calendar/").json())
    page = client.get(f"/releases/{pages.embargoed.pk}/").content.decode()
    assert "Embargoed thing" not in page
