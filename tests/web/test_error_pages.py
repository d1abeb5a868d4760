"""403, 404 and 500 pages: the site's layout and language, a way back, never a debug page."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.error_urls")]

WAYS_BACK = ('href="/"', 'href="/indicators/"', 'href="/releases/"')


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def _page(response) -> str:
    html = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert 'class="site-header"' in html and 'href="/static/ddms/site.css"' in html
    assert all(link in html for link in WAYS_BACK), html
    assert "Traceback" not in html
    return html


def test_it_styles_the_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert '<h1 id="error-title">Page not found</h1>' in _page(response)


def test_it_styles_the_403_page_and_offers_to_sign_in(client):
    response = client.get("/test/forbidden/")
    assert response.status_code == 403
    html = _page(response)
    assert '<h1 id="error-title">Not allowed</h1>' in html
    assert 'href="/accounts/login/?next=/test/forbidden/"' in html


def test_it_styles_the_500_page():
    client = Client(raise_request_exception=False)
    response = client.get("/test/boom/")
    assert response.status_code == 500
    assert '<h1 id="error-title">Something went wrong</h1>' in _page(response)


def test_it_styles_the_csrf_failure_page(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "pa", "password": "x"})
    assert response.status_code == 403
    assert '<h1 id="error-title">The form has expired</h1>' in _page(response)


def test_a_signed_in_user_keeps_the_site_header_on_a_404(client, world):
    client.force_login(world.partner_a_user)
    html = _page(client.get("/no-such-page/"))
    assert "Partner portal" in html and "Sign out" in html


@pytest.mark.parametrize(
    "lang,title", [("sr-latn", "Stranica nije pronađena"), ("sr", "Страница није пронађена")]
)
def test_it_speaks_the_visitors_language(client, lang, title):
    client.cookies["django_language"] = lang
    html = _page(client.get("/no-such-page/"))
    assert f'<h1 id="error-title">{title}</h1>' in html
