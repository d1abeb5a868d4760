"""Every role's home page, the public pages and the API docs, in Chromium against the stack."""

from __future__ import annotations

import pytest
import requests

from .conftest import ROLES, browser_sign_in


@pytest.mark.parametrize("username", sorted(ROLES))
def test_each_role_signs_in_and_sees_its_home_page(web, username):
    browser_sign_in(web, username)
    assert web.page.url.endswith(ROLES[username]), web.page.url
    assert web.page.locator("h1").first.is_visible()
    assert web.page.get_by_role("button", name="Sign out").is_visible()
    web.screenshot(f"smoke-home-{username}")


def test_public_indicator_page_draws_its_chart(web):
    response = web.go("/indicators/SORS/ELEC_HH/")
    assert response.status == 200
    web.page.locator("canvas[data-chart]").first.wait_for()
    assert web.page.get_by_role("table").first.is_visible()
    # Collected static files with hashed names (the manifest storage), not the source tree.
    sheets = [
        web.page.locator("link[rel=stylesheet]").nth(i).get_attribute("href") or ""
        for i in range(web.page.locator("link[rel=stylesheet]").count())
    ]
    site = [s for s in sheets if s.startswith("/static/ddms/site.")]
    assert site and "/static/ddms/site.css" not in site, sheets
    web.screenshot("smoke-indicator-ELEC_HH")


def test_release_calendar_lists_releases(web):
    response = web.go("/releases/")
    assert response.status == 200
    assert web.page.locator("h1").inner_text() == "Release calendar"
    assert web.page.locator("table tbody tr").count() >= 1
    web.screenshot("smoke-release-calendar")


def test_api_docs_list_the_operations(web):
    web.go("/api/docs/")
    # One folded section per resource; opening one lists its operations.
    sections = web.page.locator(".opblock-tag")
    sections.first.wait_for()
    assert sections.count() > 20
    web.page.locator(".opblock-tag", has_text="indicators").first.click()
    web.page.locator(".opblock-summary-path", has_text="/api/v1/indicators/").first.wait_for()
    web.screenshot("smoke-api-docs", full_page=False)


def test_production_mode_answers_404_not_a_debug_page(base_url):
    response = requests.get(f"{base_url}/no-such-page/", timeout=10)
    assert response.status_code == 404
    assert "Traceback" not in response.text and "URLconf" not in response.text


def test_favicon_is_served(base_url):
    response = requests.get(f"{base_url}/favicon.ico", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("image/svg+xml")
