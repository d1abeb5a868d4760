"""The favicon: linked from every page and answered at /favicon.ico too."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_redirects_favicon_ico_to_the_svg(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("/static/ddms/favicon.svg")
    svg = client.get(response["Location"])
    assert svg.status_code == 200


def test_it_links_the_favicon_from_pages(client):
    page = client.get("/releases/").content.decode()
    assert 'rel="icon" href="/static/ddms/favicon.svg"' in page
