"""The interactive API docs render under the site's CSP, from local files only."""

from __future__ import annotations

import pytest

from tests.services import wait_for

pytestmark = pytest.mark.browser


def _outside_responses(web) -> list[str]:
    """URLs answered by anything but the site (blob: workers are the page's own code)."""
    outside: list[str] = []

    def seen(response) -> None:
        if not response.url.startswith((web.base_url, "blob:", "data:")):
            outside.append(response.url)

    web.page.on("response", seen)
    return outside


def test_swagger_ui_lists_the_operations(web):
    outside = _outside_responses(web)
    web.go("/api/docs/")
    # One folded section per resource; opening one lists its operations.
    sections = web.page.locator(".opblock-tag")
    sections.first.wait_for()
    assert sections.count() > 20
    web.page.locator(".opblock-tag", has_text="indicators").first.click()
    paths = web.page.locator(".opblock-summary-path", has_text="/api/v1/indicators/")
    wait_for(lambda: paths.count() >= 3, timeout=20, interval=0.25, what="indicator operations")
    web.screenshot("api-docs-swagger", full_page=False)
    assert outside == []  # no CDN: every script, style and font is served by the site


def test_redoc_lists_the_operations(web):
    outside = _outside_responses(web)
    web.page.set_viewport_size({"width": 1280, "height": 900})  # ReDoc hides its menu on phones
    web.page.set_default_timeout(30_000)  # ReDoc lays out the whole schema before it shows
    # ReDoc's attribution logo is the one thing it would fetch from a CDN: the CSP blocks it
    # (the browser logs that) and nothing leaves the site.
    web.expected.append("cdn.redoc.ly/redoc/logo-mini.svg")
    with web.page.expect_console_message(lambda m: "cdn.redoc.ly" in m.text) as logo:
        web.go("/api/redoc/")
        web.page.locator("[data-section-id^='operation/']").first.wait_for(state="attached")
    assert web.page.locator("[data-section-id^='operation/']").count() > 50
    web.screenshot("api-docs-redoc", full_page=False)
    assert outside == []
    assert "Content Security Policy" in logo.value.text
