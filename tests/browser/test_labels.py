"""No raw codes in the browser: the public indicator page, its chart and the city dashboard
show labels in the reader's language (territories, dimension codes, topics), in each language."""

from __future__ import annotations

import re
from typing import Any

import pytest

from indicators.sdmx.codes import code_lists_seed
from indicators.urls_public import indicator_page_url
from tests.browser.conftest import CHROMIUM_ARGS, PASSWORD, Session  # noqa: F401

pytestmark = pytest.mark.browser

# language → (territory, female, sex, topic) as the reader should see them
EXPECTED = {
    "en": ("City of Kragujevac", "Female", "Sex", "Energy"),
    "sr-latn": ("Grad Kragujevac", "Žene", "Pol", "Energetika"),
    "sr": ("Град Крагујевац", "Жене", "Пол", "Енергетика"),
}
RAW = re.compile(r"sex=|\b_T\b|\(F\)|\benergy\b|City of Kragujevac")


@pytest.fixture
def labelled(pages):
    code_lists_seed()
    pages.territory.name_en = "City of Kragujevac"
    pages.territory.name_sr_latn = "Grad Kragujevac"
    pages.territory.name_sr_cyrl = "Град Крагујевац"
    pages.territory.save()
    return pages


def browser_page(chromium: Any, live_server: Any, lang: str) -> Session:
    context = chromium.new_context(
        viewport={"width": 1000, "height": 900}, extra_http_headers={"Accept-Language": lang}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return Session(page, live_server.url)


def legend(session: Session) -> list[str]:
    """The chart's legend labels as Chart.js drew them."""
    session.page.locator("canvas[data-chart]").first.wait_for()
    session.page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-chart]'))"
    )
    return session.page.evaluate(
        "() => Chart.getChart(document.querySelector('canvas[data-chart]'))"
        ".data.datasets.map(d => d.label)"
    )


@pytest.mark.parametrize("lang", list(EXPECTED))
def test_the_indicator_page_and_its_chart_show_labels(
    chromium, live_server, transactional_db, labelled, lang
):
    territory, female, sex, topic = EXPECTED[lang]
    session = browser_page(chromium, live_server, lang)
    session.go(indicator_page_url(labelled.indicator))
    # small multiples: the territory's panel is titled with its name, its lines by the slice
    labels = legend(session)
    assert female in labels and territory in labels
    assert territory in session.page.locator(".panel figcaption").all_inner_texts()
    text = session.page.locator("main").inner_text()
    if lang != "en":
        assert not RAW.search(text), RAW.search(text)
    else:
        assert "sex=" not in text and "(F)" not in text
    assert session.page.locator("label[for='dim-sex']").inner_text() == sex
    options = session.page.locator("#dim-sex option").all_inner_texts()
    assert female in options and "F" not in options
    assert topic in text
    table_rows = session.page.locator(".table-wrap tbody th").all_inner_texts()
    assert f"{territory} ({female})" in table_rows
    assert not session.problems, session.problems


@pytest.mark.parametrize("lang", list(EXPECTED))
def test_the_city_dashboard_charts_show_labels(
    chromium, live_server, transactional_db, labelled, lang
):
    territory, female, _sex, _topic = EXPECTED[lang]
    session = browser_page(chromium, live_server, lang)
    session.go("/accounts/login/")
    session.page.locator("input[name='username']").fill("city")
    session.page.locator("input[name='password']").fill(PASSWORD)
    session.page.locator("form button[type='submit']").last.click()
    session.page.wait_for_url("**/city/")
    # the dashboard is tiles and a map now (the charts are on the indicator pages)
    session.page.locator(".tiles").first.wait_for()
    text = session.page.locator("main").inner_text()
    ind = labelled.indicator
    name = {"en": ind.name_en, "sr-latn": ind.name_sr_latn, "sr": ind.name_sr_cyrl}[lang]
    assert name in text  # the tile names the indicator in the reader's language
    assert "sex=" not in text and "(F)" not in text
    if lang != "en":
        assert "City of Kragujevac" not in text
    assert not session.problems, session.problems
