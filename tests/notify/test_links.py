"""E-mail links open the HTML page the recipient uses, on DDMS_SITE_URL, never the API."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ddms_platform.notify.models import OutboxEvent
from indicators.notifications import release_context
from partnerships.notifications import (
    agreement_context,
    request_context,
    upload_context,
    validation_context,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://ddms.example:8101"


def event(**payload: object) -> OutboxEvent:
    return OutboxEvent(kind="test", payload=payload)


def test_it_links_a_request_event_to_the_request_page(pages: SimpleNamespace):
    link = request_context(event(request_id=pages.request_a.pk))["link"]
    assert link == f"https://ddms.example:8101/requests/{pages.request_a.pk}/"


def test_it_links_an_upload_to_the_submission_page(pages: SimpleNamespace):
    submission = pages.submission_a
    context = upload_context(event(request_id=pages.request_a.pk, submission_id=submission.pk))
    assert context["report_link"] == f"https://ddms.example:8101/submissions/{submission.pk}/"


def test_it_links_a_validation_result_to_the_submission_page(pages: SimpleNamespace):
    submission = pages.submission_a
    link = validation_context(event(submission_id=submission.pk))["link"]
    assert link == f"https://ddms.example:8101/submissions/{submission.pk}/"


def test_it_links_an_ending_agreement_to_the_agreement_page(pages: SimpleNamespace):
    link = agreement_context(event(agreement_id=pages.agreement_a.pk))["link"]
    assert link == f"https://ddms.example:8101/agreements/{pages.agreement_a.pk}/"


def test_it_links_a_release_to_the_public_release_page(pages: SimpleNamespace):
    link = release_context(event(publication_id=pages.published.pk))["link"]
    assert link == f"https://ddms.example:8101/releases/{pages.published.pk}/"


def test_every_link_opens_a_page_for_its_recipient(client, pages: SimpleNamespace):
    links = {
        pages.partner_a_user: [
            request_context(event(request_id=pages.request_a.pk))["link"],
            validation_context(event(submission_id=pages.submission_a.pk))["link"],
            agreement_context(event(agreement_id=pages.agreement_a.pk))["link"],
        ],
        None: [release_context(event(publication_id=pages.published.pk))["link"]],
    }
    for user, urls in links.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls:
            response = client.get(url.removeprefix("https://ddms.example:8101"))
            assert response.status_code == 200, url
            assert response["Content-Type"].startswith("text/html"), url
