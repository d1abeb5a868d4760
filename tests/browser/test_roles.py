"""Each role does its work in the browser, under the strict CSP, on a phone-sized screen."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.utils import timezone

from indicators.models import Indicator, Publication, Subscription

DATA = Path(__file__).resolve().parent.parent / "data"
SCHEMA = json.loads((DATA / "requests_schema.json").read_text())

pytestmark = pytest.mark.browser


def test_partner_fixes_a_file_until_validation_passes(web, pages):
    request = pages.request_a
    request.state = "acknowledged"
    request.table_schema = SCHEMA
    request.save()
    web.sign_in("pa")
    assert web.page.url.endswith("/portal/")
    web.screenshot("partner-home")
    web.page.get_by_role("link", name=request.title).click()
    web.page.get_by_label("Data file (CSV or XLSX)").set_input_files(
        str(DATA / "requests_invalid.csv")
    )
    web.page.get_by_role("button", name="Upload", exact=True).click()
    web.page.wait_for_url("**/submissions/*/")
    table = web.page.locator("#error-table")
    table.wait_for()
    items = table.locator("li").all_inner_texts()
    assert any("Row 3" in t for t in items) and any("Row 4" in t for t in items)
    assert web.page.get_by_role("link", name="Download the errors as CSV").is_visible()
    web.page.get_by_role("link", name=request.title).click()
    web.page.get_by_label("Data file (CSV or XLSX)").set_input_files(
        str(DATA / "requests_valid.csv")
    )
    web.page.get_by_role("button", name="Upload", exact=True).click()
    web.page.wait_for_url("**/submissions/*/")
    verdict = web.page.locator("#report-verdict")
    verdict.wait_for()
    assert "The file is valid" in verdict.inner_text()
    assert web.page.locator("#run-status").inner_text() == "Passed"


def test_city_staff_subscribe_to_an_indicator(web, pages):
    web.sign_in("city")
    assert web.page.url.endswith("/city/")
    web.page.locator("article.tile").first.wait_for()
    web.screenshot("city-home")
    web.page.locator("form[action$='/EN-1/subscribe/'] button").first.click()
    web.page.wait_for_url("**/subscriptions/")
    assert "EN-1" in web.page.locator("#subscription-list").inner_text()
    assert Subscription.objects.filter(user=pages.city_user, indicators=pages.indicator).exists()


def test_nsi_manager_schedules_a_publication(web, pages, nsi_approver):
    # Release integrity: the fixture's releases claim every cell of EN-1, so a new indicator.
    fresh = Indicator.objects.create(
        owner=pages.nsi, code="EN-9", name_en="Heat use", unit="GWh", topic="energy"
    )
    web.sign_in("nsi")
    assert web.page.url.endswith("/nsi/")
    web.screenshot("nsi-home")
    web.page.get_by_role("link", name="New publication").click()
    web.page.get_by_label("Series (short name)").fill("energy-2026")
    web.page.get_by_label("Title").fill("Energy 2026")
    web.page.get_by_label("Indicators").select_option(label=str(fresh))
    release = timezone.localtime() + dt.timedelta(days=10)
    web.page.get_by_label("Release date and time").fill(release.strftime("%Y-%m-%dT%H:%M"))
    web.page.get_by_label("Schedule at this time once approved").check()
    web.page.get_by_role("button", name="Save").click()
    web.page.wait_for_url("**/nsi/publications/*/")
    # Four eyes: the draft waits for a second NSI manager, whose approval schedules it.
    assert web.page.locator("#publication-state").inner_text() == "Draft"
    detail = web.page.url
    web.page.context.clear_cookies()
    web.sign_in(nsi_approver.username)
    web.page.goto(detail)
    web.page.locator("#approve-schedule").click()
    assert web.page.locator("#publication-state").inner_text() == "Scheduled"
    assert Publication.objects.get(series="energy-2026").state == "scheduled"


def test_anonymous_visitor_reads_an_indicator_and_downloads_csv(web, pages):
    web.go("/")
    web.screenshot("public-home")
    web.page.get_by_role("link", name="Indicators", exact=True).first.click()
    web.page.get_by_role("link", name="Electricity use").click()
    web.page.locator("canvas[data-chart]").wait_for()
    table = web.page.get_by_role("table").first
    assert "4.2" in table.inner_text()
    assert "987654" not in web.page.content()
    href = web.page.get_by_role("link", name="CSV", exact=True).get_attribute("href")
    response = web.page.request.get(web.base_url + href)
    assert response.ok
    body = response.text()
    assert body.startswith("indicator,territory,period") and "EN-1,RS-KG,2024" in body


def test_language_switch_to_serbian_cyrillic(web, pages):
    web.go("/releases/")
    web.page.get_by_label("Language").select_option("sr")
    web.page.get_by_role("button", name="Switch").click()
    web.page.wait_for_load_state()
    assert web.page.locator("h1").inner_text() == "Календар објављивања"
    assert web.page.locator("html").get_attribute("lang") == "sr"
    web.page.get_by_role("link", name="Индикатори", exact=True).first.click()
    assert web.page.locator("h1").inner_text() == "Индикатори"
    web.screenshot("public-home-cyrillic")
