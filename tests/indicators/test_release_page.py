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


def test_it_hides_an_embargoed_release_from_the_public(client, pages):
    assert client.get(f"/releases/{pages.embargoed.pk}/").status_code == 404
    assert client.get(f"/releases/{pages.draft_publication.pk}/").status_code == 404


def test_nsi_staff_see_a_release_before_its_time(client, pages):
    client.force_login(pages.nsi_manager)
    assert client.get(f"/releases/{pages.embargoed.pk}/").status_code == 200


def test_the_calendar_links_released_versions_only(client, pages):
    html = client.get("/releases/").content.decode()
    assert f'href="/releases/{pages.published.pk}/"' in html
    assert f'href="/releases/{pages.embargoed.pk}/"' not in html
