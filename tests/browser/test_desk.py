"""The NSI publishing desk end to end in Chromium: load with a mapping → declare and preview →
approve as a second manager → schedule → postpone with a reason → publish → revise → diff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from indicators.models import Observation, Publication
from tests.indicators.conftest import geo, indicator, make_submission  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

CSV = (
    b"opstina,godina,pol,vrednost,broj\n"
    b"RS-KG-ST,2023,F,51.25,120\n"
    b"RS-KG-ST,2023,M,48.5,110\n"
    b"RS-KG-ST,2023,_T,49.9,230\n"
)


def _later(days: int) -> str:
    return (timezone.localtime() + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _state(web) -> str:
    return web.page.locator("#publication-state").inner_text()


def test_the_desk_walks_a_release_from_load_to_diff(
    web,
    world,
    geo,  # noqa: F811 - the fixtures imported above
    indicator,  # noqa: F811
    make_submission,  # noqa: F811
    nsi_approver,
):
    submission = make_submission(CSV)
    page = web.page
    web.sign_in("nsi")

    # Load with a column mapping.
    web.go("/nsi/loads/new/")
    page.locator("#id_submission").select_option(str(submission.pk))
    page.locator("#id_indicator").select_option(str(indicator.pk))
    page.get_by_role("button", name="Preview the file").click()
    assert "51.25" in page.locator("#load-preview").inner_text()
    page.locator("#id_territory").select_option("opstina")
    page.locator("#id_period").select_option("godina")
    page.locator("#id_value").select_option("vrednost")
    page.locator("#id_dim_sex").select_option("pol")
    page.locator("#id_count").select_option("broj")
    page.locator("#load-submit").click()
    page.wait_for_url("**/nsi/loads/*/")
    page.locator("#load-status", has_text="Done").wait_for()
    assert Observation.objects.filter(indicator=indicator).count() == 3
    web.screenshot("desk-load-done")

    # Declare, and see the preview.
    web.go("/nsi/publications/new/")
    page.locator("#id_series").fill("desk-2023")
    page.locator("#id_title").fill("Desk release 2023")
    page.locator("#id_indicators").select_option(str(indicator.pk))
    page.locator("#id_territory").select_option(str(geo.city.pk))
    page.locator("#id_period_from").fill("2023-01-01")
    page.locator("#id_period_to").fill("2023-12-31")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/nsi/publications/*/")
    assert "3 cells, 0 suppressed." in page.locator("#preview-summary").inner_text()
    detail = page.url
    web.screenshot("desk-declared")

    # A second manager approves (the preparer cannot).
    page.locator("#approve").click()
    assert "Four eyes" in page.content() and _state(web) == "Draft"
    page.context.clear_cookies()
    web.sign_in("release-approver")
    page.goto(detail)
    page.locator("#approve").click()
    assert _state(web) == "Approved"
    assert "release-approver" in page.locator("#approved-by").inner_text()

    # Schedule, then postpone with a reason: the calendar keeps it, with the reason.
    page.locator("#id_release_at").fill(_later(7))
    page.locator("#schedule").click()
    assert _state(web) == "Scheduled"
    page.locator("#unschedule-reason").fill("The source file is late.")
    page.locator("#postpone").click()
    assert _state(web) == "Postponed"
    web.go("/releases/")
    assert "The source file is late." in page.content()
    web.screenshot("desk-calendar-postponed")

    # Scheduled again, then brought forward with a reason: published.
    page.goto(detail)
    page.locator("#id_release_at").fill(_later(9))
    page.locator("#schedule").click()
    page.locator("#publish-reason").fill("Needed for the council meeting.")
    page.locator("#publish").click()
    assert _state(web) == "Published"

    # Revise after a corrected value, approve as the other manager, publish, read the diff.
    page.locator("#revise").click()
    page.wait_for_url("**/nsi/publications/*/")
    assert "(v2)" in page.title() or Publication.objects.filter(version=2).exists()
    revision = page.url
    Observation.objects.filter(indicator=indicator, dims_key="sex=F").update(value=52)
    page.context.clear_cookies()
    web.sign_in("nsi")
    page.goto(revision)
    page.locator("#approve").click()
    assert _state(web) == "Approved"
    page.locator("#publish").click()
    assert _state(web) == "Published"
    page.locator("#diff-link").click()
    page.wait_for_url("**/diff/")
    assert "1 changed, 0 added, 0 removed." in page.locator("#diff-summary").inner_text()
    row = page.locator("#diff tbody tr").first.inner_text()
    assert "RS-KG-ST" in row and "51.3" in row and "52" in row
    web.screenshot("desk-diff")
