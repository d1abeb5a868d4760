"""The recipient of an e-mail follows its link in the browser and lands on their page."""

from __future__ import annotations

import re

import pytest

from ddms_platform.notify.services import outbox_record

pytestmark = pytest.mark.browser


def _text(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


def test_partner_opens_the_validation_report_from_the_email(
    web, pages, smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = web.base_url  # the live server stands in for the public site
    submission = pages.submission_a
    with django_capture_on_commit_callbacks(execute=True):
        outbox_record(
            kind="validation.finished",
            payload={
                "run_id": submission.validation_run.pk,
                "submission_id": submission.pk,
                "request_id": submission.request_id,
                "status": "failed",
            },
        )
    assert smtp_sink.handler.recipients() == ["pa@example.org"]
    link = re.search(rf"{re.escape(web.base_url)}/\S+", _text(smtp_sink.messages[0])).group(0)
    assert link == f"{web.base_url}/submissions/{submission.pk}/"
    web.sign_in("pa")
    assert web.page.goto(link).status == 200
    assert web.page.locator("h1").inner_text().startswith("Validation report")
    assert web.page.get_by_role("link", name=pages.request_a.title).is_visible()
    web.screenshot("partner-report-from-email")


def test_a_signed_out_recipient_signs_in_and_lands_on_the_page(web, pages, settings):
    link = f"{web.base_url}/requests/{pages.request_a.pk}/"
    web.page.goto(link)
    assert "/accounts/login/" in web.page.url  # the page, not a JSON 401
    web.page.get_by_label("Username").fill("pa")
    web.page.get_by_label("Password").fill("pass-word-123")
    web.page.get_by_role("button", name="Sign in").last.click()
    web.page.wait_for_url(link)
    assert web.page.locator("h1").inner_text() == pages.request_a.title
