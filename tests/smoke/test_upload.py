"""A partner uploads a file; the worker validates it; the report and the e-mail arrive."""

from __future__ import annotations

import re

from tests.services import wait_for

from .conftest import body_text, browser_sign_in, csrf_token, messages_to, sign_in

REQUEST_TITLE = "Number of prepaid and smart meters by municipality, 2025"
# Row 3 breaks the schema twice: an unknown meter type and a negative count.
CSV = b"territory_code,meter_type,meters\nRS-KG,prepaid,1200\nRS-KG,analogue,-5\n"


def test_partner_upload_is_validated_and_the_uploader_is_told(base_url, web):
    partner = sign_in("partner.power")
    portal = partner.get(f"{base_url}/portal/", timeout=10)
    assert portal.status_code == 200
    match = re.search(r'href="(/requests/\d+/)"[^>]*>\s*' + re.escape(REQUEST_TITLE), portal.text)
    assert match, "the open request is not on the partner portal"
    request_page = partner.get(base_url + match.group(1), timeout=10)
    upload = partner.post(
        f"{base_url}{match.group(1)}upload/",
        data={"csrfmiddlewaretoken": csrf_token(request_page.text)},
        files={"file": ("meters.csv", CSV, "text/csv")},
        timeout=30,
    )
    assert upload.status_code == 200
    submission_path = re.search(r"/submissions/\d+/$", upload.url)
    assert submission_path, upload.url

    def finished() -> str | None:
        status = partner.get(f"{upload.url}status/", timeout=10)
        assert status.status_code == 200
        return status.text if "Failed" in status.text or "Passed" in status.text else None

    status = wait_for(finished, timeout=60, interval=0.5, what="the worker to validate the upload")
    assert "Failed" in status
    report = partner.get(upload.url, timeout=10).text
    assert "constraint-error" in report

    def delivered():
        return [
            m
            for m in messages_to("partner.power@example.org")
            if submission_path.group(0) in body_text(m)
        ]

    mail = wait_for(
        delivered, timeout=60, interval=0.5, what="the validation e-mail at the SMTP sink"
    )[0]
    text = body_text(mail)
    assert f"{base_url}{submission_path.group(0)}" in text  # the page the partner uses
    assert "/api/v1/" not in text

    # The recipient follows the link in Chromium, signed in, and reads the report page.
    link = re.search(rf"{re.escape(base_url)}/submissions/\d+/", text).group(0)
    browser_sign_in(web, "partner.power")
    assert web.page.goto(link).status == 200
    assert "The file has 2 errors" in web.page.locator("#report-verdict").inner_text()
    assert web.page.locator("#error-table .report-error").count() >= 1
    web.screenshot("smoke-report-from-email")
