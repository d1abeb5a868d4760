"""Every page answers 404 for another organisation's objects and never shows embargoed values."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

EMBARGOED_VALUES = ("987654", "123456", "Embargoed thing")


def test_partner_sees_own_request_and_submission(pages, browse):
    client = browse(pages.partner_a_user)
    assert (
        client.get(reverse("partnerships:request-detail", args=[pages.request_a.pk])).status_code
        == 200
    )
    assert (
        client.get(
            reverse("partnerships:submission-detail", args=[pages.submission_a.pk])
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    "name,attr",
    [
        ("partnerships:request-detail", "request_b"),
        ("partnerships:submission-detail", "submission_b"),
        ("partnerships:submission-status", "submission_b"),
        ("partnerships:agreement-detail", "agreement_b"),
    ],
)
def test_partner_gets_404_for_other_partners_objects(pages, browse, name, attr):
    client = browse(pages.partner_a_user)
    assert client.get(reverse(name, args=[getattr(pages, attr).pk])).status_code == 404


@pytest.mark.parametrize(
    "name",
    ["request-acknowledge", "request-decline", "request-comment", "request-upload", "request-send"],
)
def test_partner_cannot_act_on_other_partners_request(pages, browse, name):
    client = browse(pages.partner_a_user)
    response = client.post(
        reverse(f"partnerships:{name}", args=[pages.request_b.pk]), {"reason": "x", "body": "x"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "partnerships:nsi-overview",
        "partnerships:agreement-create",
        "partnerships:request-create",
        "indicators:publication-create",
    ],
)
@pytest.mark.parametrize("who", ["partner_a_user", "city_user", "outsider"])
def test_nsi_pages_answer_404_to_everyone_else(pages, browse, url, who):
    assert browse(getattr(pages, who)).get(reverse(url)).status_code == 404


def test_nsi_publication_pages_answer_404_to_partners(pages, browse):
    client = browse(pages.partner_a_user)
    pk = pages.draft_publication.pk
    assert client.get(reverse("indicators:publication-detail", args=[pk])).status_code == 404
    assert client.post(reverse("indicators:publication-schedule", args=[pk]), {}).status_code == 404
    assert (
        client.post(
            reverse("partnerships:agreement-transition", args=[pages.agreement_a.pk]), {}
        ).status_code
        == 404
    )


def test_city_dashboard_answers_404_to_partners(pages, browse):
    assert browse(pages.partner_a_user).get(reverse("indicators:city-dashboard")).status_code == 404
    assert (
        browse(pages.partner_a_user).post(reverse("indicators:data-need-create"), {}).status_code
        == 404
    )


def test_signed_in_pages_send_anonymous_visitors_to_sign_in(pages, browse):
    for url in (
        reverse("partnerships:portal"),
        reverse("partnerships:nsi-overview"),
        reverse("indicators:city-dashboard"),
    ):
        response = browse(None).get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_indicator_with_only_an_embargoed_release_does_not_exist(pages, browse):
    assert (
        browse(None).get(reverse("indicators:indicator-detail", args=["EN-2"])).status_code == 404
    )
    assert (
        browse(pages.city_user)
        .get(reverse("indicators:indicator-detail", args=["EN-2"]))
        .status_code
        == 404
    )


@pytest.mark.parametrize("who", [None, "city_user", "partner_a_user"])
def test_embargoed_values_never_appear_in_pages(pages, browse, who):
    client = browse(getattr(pages, who) if who else None)
    urls = [
        reverse("web:home"),
        reverse("indicators:catalogue"),
        reverse("indicators:indicator-detail", args=["EN-1"]),
        reverse("indicators:indicator-detail", args=["EN-1"]) + "?sex=F",
        reverse("indicators:release-calendar"),
    ]
    if who == "city_user":
        urls.append(reverse("indicators:city-dashboard"))
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200
        html = response.content.decode()
        for secret in EMBARGOED_VALUES:
            assert secret not in html, (url, secret)
    detail = client.get(reverse("indicators:indicator-detail", args=["EN-1"])).content.decode()
    assert '<td class="num">4.2</td>' in detail


def test_release_calendar_shows_upcoming_release_title_only(pages, browse):
    html = browse(None).get(reverse("indicators:release-calendar")).content.decode()
    assert "Energy 2025" in html and "987654" not in html


def test_user_text_is_escaped_in_pages(pages, browse):
    client = browse(pages.partner_a_user)
    for url in (
        reverse("partnerships:portal"),
        reverse("partnerships:request-detail", args=[pages.request_a.pk]),
        reverse("partnerships:agreement-detail", args=[pages.agreement_a.pk]),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html and "<script>x</script>" not in html
    html = client.get(
        reverse("partnerships:request-detail", args=[pages.request_a.pk])
    ).content.decode()
    assert "Consumption &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;hi&lt;/b&gt;" in html


def test_knowledge_article_body_is_sanitised(pages, browse):
    html = (
        browse(None).get(reverse("partnerships:knowledge-detail", args=["guide"])).content.decode()
    )
    assert "<p>Body</p>" in html
    assert "alert(1)" not in html
    assert "Guide &lt;script&gt;x&lt;/script&gt;" in html


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)


def test_pages_carry_a_strict_csp_and_no_inline_script(pages, browse):
    client = browse(pages.nsi_manager)
    for url in (
        reverse("partnerships:nsi-overview"),
        reverse("indicators:indicator-detail", args=["EN-1"]),
        reverse("partnerships:request-detail", args=[pages.request_b.pk]),
        reverse("partnerships:submission-detail", args=[pages.submission_a.pk]),
    ):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert " style=" not in html, url


def test_submission_status_is_json_for_the_poller(pages, browse):
    data = (
        browse(pages.partner_a_user)
        .get(reverse("partnerships:submission-status", args=[pages.submission_a.pk]))
        .json()
    )
    assert data["status"] == "failed" and data["final"] is True


def test_validation_report_shows_errors_by_row_and_column(pages, browse):
    html = (
        browse(pages.partner_a_user)
        .get(reverse("partnerships:submission-detail", args=[pages.submission_a.pk]))
        .content.decode()
    )
    assert 'id="error-table"' in html
    assert "Row 3, column year" in html  # the plain-language message of an old-shape report


def test_unpublished_knowledge_article_answers_404_to_the_public(pages, browse):
    pages.article.is_published = False
    pages.article.save()
    assert (
        browse(None).get(reverse("partnerships:knowledge-detail", args=["guide"])).status_code
        == 404
    )


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "who,url",
    [
        ("partner_a_user", "partnerships:portal"),
        ("nsi_manager", "partnerships:nsi-overview"),
        (None, "indicators:catalogue"),
    ],
)
def test_list_pages_make_the_same_number_of_queries_for_2_and_10_rows(pages, browse, who, url):
    from tests.factories import DataRequestFactory

    client = browse(getattr(pages, who) if who else None)
    client.get(reverse(url))  # warm caches (content types, sessions)
    before = _queries(client, reverse(url))
    for _ in range(8):
        DataRequestFactory(
            requester=pages.nsi, provider=pages.partner_a, agreement=pages.agreement_a, state="sent"
        )
    assert _queries(client, reverse(url)) == before
