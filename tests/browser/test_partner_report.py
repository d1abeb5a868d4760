"""A partner, in Serbian Cyrillic on a phone: template, upload with errors, plain report, fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
SCHEMA = json.loads((DATA / "requests_schema.json").read_text())

pytestmark = pytest.mark.browser


def _upload(web, path: Path) -> None:
    web.page.locator("input[type=file]").set_input_files(str(path))
    web.page.locator("form[data-upload-progress] button[type=submit]").click()
    web.page.wait_for_url("**/submissions/*/")
    web.page.locator("#report-verdict").wait_for()


WIDER = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName + '.' + e.className + ' in ' + e.parentElement.className + ': ' + e.textContent.slice(0, 30)).slice(0, 5)"""


def _fits_the_phone(web) -> list[str]:
    """Elements reaching beyond the 390 px viewport (none when the page fits)."""
    return web.page.evaluate(WIDER)


def test_partner_reads_the_report_in_cyrillic_on_a_phone_and_fixes_the_file(web, pages, tmp_path):
    request = pages.request_a
    request.state = "acknowledged"
    request.table_schema = SCHEMA
    request.save()
    web.sign_in("pa")
    web.page.get_by_label("Language").select_option("sr")
    web.page.get_by_role("button", name="Switch").click()
    web.page.wait_for_load_state()
    web.page.get_by_role("link", name=request.title).click()
    schema = web.page.locator("#expected-table")
    assert "цео број" in schema.inner_text()  # customers: the type in words, in Cyrillic
    assert _fits_the_phone(web) == []
    with web.page.expect_download() as download:
        web.page.locator("#template-csv").click()
    template = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert template.strip() == "district,month,consumption_mwh,customers"
    broken = tmp_path / "broken.csv"
    broken.write_text(
        template + "Stanovo,2026-01-01,12.5,много\nStanovo,2026-01-01,-3,10\n", encoding="utf-8"
    )
    _upload(web, broken)
    messages = web.page.locator("#error-table li").all_inner_texts()
    text = "\n".join(messages)
    assert "Ред 2, колона customers: “много” није цео број." in text
    assert "Ред 3 понавља кључ (Stanovo, 2026-01-01) реда 2." in text
    assert "мање од најмање дозвољене вредности 0" in text
    assert "type-error" not in text and "constraint" not in text  # no engine jargon
    assert "Погрешна врста вредности" in web.page.locator("#error-counts").inner_text()
    assert _fits_the_phone(web) == []
    web.screenshot("partner-report-cyrillic-390")
    fixed = tmp_path / "fixed.csv"
    fixed.write_text(
        template + "Stanovo,2026-01-01,12.5,100\nStanovo,2026-02-01,11,101\n", encoding="utf-8"
    )
    web.page.locator(f"a[href$='/requests/{request.pk}/']").first.click()
    _upload(web, fixed)
    assert web.page.locator("#run-status").inner_text() == "Исправно"
