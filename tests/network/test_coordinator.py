"""The network coordinator: reads what every country published or shared, curates the shared
knowledge base, and sees no partner's file and nothing under embargo."""

from __future__ import annotations

import datetime as dt
import hashlib
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from ddms_platform.core.permissions import (
    is_acting_network_coordinator,
    is_network_coordinator,
    is_network_reader,
    is_nsi_staff,
)
from ddms_platform.web.roles import role_of
from indicators.models import Indicator
from partnerships.models import KnowledgeArticle, Submission

from ..factories import (
    AgreementFactory,
    CaseStudyFactory,
    DataRequestFactory,
    IndicatorFactory,
    KnowledgeArticleFactory,
)

pytestmark = pytest.mark.django_db


def test_coordinator_helpers(net: SimpleNamespace) -> None:
    assert is_network_coordinator(net.coordinator)
    assert is_acting_network_coordinator(net.coordinator)
    assert is_network_coordinator(net.coordinator_viewer)
    assert not is_acting_network_coordinator(net.coordinator_viewer)
    # A coordinator is not NSI staff of any country.
    assert not is_nsi_staff(net.coordinator)
    for user in (net.nsi_manager, net.partner_a_user, net.city_user, net.outsider):
        assert not is_network_coordinator(user)
    assert is_network_reader(net.nsi_b_manager) and not is_network_reader(net.partner_a_user)
    assert role_of(net.coordinator) == "network"


def test_coordinator_lands_on_the_network_page(net, client) -> None:
    client.force_login(net.coordinator)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/network/"
    assert client.get("/network/").status_code == 200


def test_network_page_is_not_found_for_partners_and_cities(net, client) -> None:
    for user in (net.partner_a_user, net.city_user, net.outsider):
        client.force_login(user)
        assert client.get("/network/").status_code == 404


def _submission(net: SimpleNamespace) -> Submission:
    agreement = AgreementFactory(nsi=net.nsi, state="active", partners=[net.partner_a])
    request = DataRequestFactory(
        requester=net.nsi, provider=net.partner_a, agreement=agreement, state="submitted"
    )
    content = b"territory_code,value\nRS-KG,1\n"
    submission = Submission(
        request=request,
        version=1,
        original_name="raw.csv",
        format="csv",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=net.partner_a_user,
    )
    submission.file.save("raw.csv", ContentFile(content), save=False)
    submission.save()
    return submission


def test_coordinator_sees_no_partner_file_or_working_data(net, api) -> None:
    submission = _submission(net)
    client = api(net.coordinator)
    assert client.get(f"/api/v1/submissions/{submission.pk}/download/").status_code == 404
    assert client.get(f"/api/v1/submissions/{submission.pk}/").status_code == 404
    assert client.get("/api/v1/submissions/").json()["count"] == 0
    assert client.get("/api/v1/data-requests/").json()["count"] == 0
    assert client.get("/api/v1/agreements/").json()["count"] == 0
    assert client.get("/api/v1/working-observations/").status_code == 403


def test_coordinator_reads_releases_of_every_country_but_none_under_embargo(
    net, api, release
) -> None:
    ind_a = IndicatorFactory(owner=net.nsi, code="A_ONE")
    ind_b = IndicatorFactory(owner=net.nsi_b, code="B_ONE")
    out_a = release(ind_a, net.city_a_territory, "1.0")
    out_b = release(ind_b, net.city_b_territory, "2.0")
    embargoed = release(
        ind_b,
        net.city_b_territory,
        "3.0",
        period="2030",
        release_at=timezone.now() + dt.timedelta(days=1),
    )
    client = api(net.coordinator)
    ids = {row["id"] for row in client.get("/api/v1/publications/?page_size=100").json()["results"]}
    assert {out_a.pk, out_b.pk} <= ids and embargoed.pk not in ids
    assert client.get(f"/api/v1/publications/{embargoed.pk}/").status_code == 404
    values = client.get("/api/v1/observations/?page_size=100").json()["results"]
    assert "3.0" not in {str(v["value"])[:3] for v in values}


def test_network_page_lists_both_countries_releases_and_shared_entries(
    net, client, release
) -> None:
    ind_b = IndicatorFactory(owner=net.nsi_b, code="B_ONE")
    release(ind_b, net.city_b_territory, "2.0")
    shared = CaseStudyFactory(
        agreement=AgreementFactory(nsi=net.nsi_b, partners=[net.partner_b_country]),
        title="Varaždin lessons",
        shared_with_network=True,
        shared_at=timezone.now(),
    )
    CaseStudyFactory(agreement=AgreementFactory(nsi=net.nsi), title="Private lessons")
    client.force_login(net.coordinator)
    page = client.get("/network/").content.decode()
    assert "B_ONE HR-VZ 2029" in page
    assert shared.title in page and "Private lessons" not in page


def test_fulfilment_per_country_is_counts_only(net, api) -> None:
    agreement_a = AgreementFactory(nsi=net.nsi, state="active", partners=[net.partner_a])
    agreement_b = AgreementFactory(nsi=net.nsi_b, state="active", partners=[net.partner_b_country])
    today = timezone.localdate()
    for state in ("sent", "accepted", "declined"):
        DataRequestFactory(
            requester=net.nsi, provider=net.partner_a, agreement=agreement_a, state=state
        )
    DataRequestFactory(
        requester=net.nsi_b,
        provider=net.partner_b_country,
        agreement=agreement_b,
        state="sent",
        due_on=today - dt.timedelta(days=1),
    )
    DataRequestFactory(requester=net.nsi_b, provider=net.partner_b_country, state="draft")
    response = api(net.coordinator).get("/api/v1/network/fulfilment/")
    rows = {row["country"]: row for row in response.json()["results"]}
    assert rows["RS"]["sent"] == 3 and rows["RS"]["fulfilled"] == 1
    assert rows["RS"]["declined"] == 1 and rows["RS"]["fulfilment_rate"] == 0.333
    assert rows["HR"]["sent"] == 1 and rows["HR"]["overdue"] == 1
    text = response.content.decode()
    for name in ("Power Company", "Utility B", "Request"):
        assert name not in text


def test_coordinator_writes_a_network_entry(net, api) -> None:
    response = api(net.coordinator).post(
        "/api/v1/network/articles/",
        {
            "title": "Running a pilot",
            "kind": "guideline",
            "body": "<p>Hi<script>x</script></p>",
            "tags": ["pilots"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    article = KnowledgeArticle.objects.get(title="Running a pilot")
    assert article.is_published and article.shared_with_network
    assert article.author_organisation == net.network
    assert "<script>" not in article.body
    titles = [
        r["title"]
        for r in api(net.nsi_b_manager).get("/api/v1/network/articles/").json()["results"]
    ]
    assert titles == ["Running a pilot"]


@pytest.mark.parametrize("who", ["nsi_manager", "coordinator_viewer"])
def test_only_acting_coordinators_write_network_entries(net, api, who) -> None:
    response = api(getattr(net, who)).post(
        "/api/v1/network/articles/", {"title": "X", "kind": "guideline"}, format="json"
    )
    assert response.status_code == 403
    assert not KnowledgeArticle.objects.exists()


def test_coordinator_curates_tags_but_not_the_wording_of_an_nsi_entry(net, api) -> None:
    article = KnowledgeArticleFactory(
        author_organisation=net.nsi, shared_with_network=True, shared_at=timezone.now()
    )
    client = api(net.coordinator)
    url = f"/api/v1/network/articles/{article.pk}/"
    assert client.patch(url, {"tags": ["energy"]}, format="json").status_code == 200
    refused = client.patch(url, {"title": "Rewritten"}, format="json")
    assert refused.status_code == 400
    article.refresh_from_db()
    assert article.tags == ["energy"] and article.title != "Rewritten"


def test_coordinator_withdraws_any_shared_entry(net, api) -> None:
    article = KnowledgeArticleFactory(
        author_organisation=net.nsi_b, shared_with_network=True, shared_at=timezone.now()
    )
    response = api(net.coordinator).post(
        "/api/v1/network/shares/",
        {"kind": "article", "id": article.pk, "shared": False},
        format="json",
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert not article.shared_with_network


def test_coordinator_cannot_share_what_a_country_kept_private(net, api) -> None:
    article = KnowledgeArticleFactory(author_organisation=net.nsi_b)
    response = api(net.coordinator).post(
        "/api/v1/network/shares/",
        {"kind": "article", "id": article.pk, "shared": True},
        format="json",
    )
    assert response.status_code in (403, 404)
    article.refresh_from_db()
    assert not article.shared_with_network


def test_coordinator_reads_shared_definitions_without_values(net, api, release) -> None:
    indicator = IndicatorFactory(
        owner=net.nsi_b, code="B_SHARED", shared_with_network=True, shared_at=timezone.now()
    )
    release(
        indicator, net.city_b_territory, "5.0", release_at=timezone.now() + dt.timedelta(days=1)
    )
    body = api(net.coordinator).get("/api/v1/network/indicators/").json()
    assert [r["code"] for r in body["results"]] == ["B_SHARED"]
    assert "min_cell_count" not in body["results"][0]
    assert api(net.coordinator).get(f"/api/v1/indicators/{indicator.code}/").status_code == 404
    assert Indicator.objects.filter(code="B_SHARED").exists()


def test_network_lists_have_pinned_query_counts(net, api, django_assert_num_queries) -> None:
    def add(n: int) -> None:
        for _i in range(n):
            CaseStudyFactory(
                agreement=AgreementFactory(nsi=net.nsi_b),
                shared_with_network=True,
                shared_at=timezone.now(),
            )
            KnowledgeArticleFactory(
                author_organisation=net.nsi, shared_with_network=True, shared_at=timezone.now()
            )
            IndicatorFactory(owner=net.nsi_b, shared_with_network=True, shared_at=timezone.now())

    add(1)
    client = api(net.coordinator)
    urls = (
        "/api/v1/network/case-studies/",
        "/api/v1/network/articles/",
        "/api/v1/network/indicators/",
        "/api/v1/network/fulfilment/",
    )
    client.get(urls[0])  # the first request reads the user's memberships (cached on the user)
    counts: dict[str, int] = {}
    for url in urls:
        with django_assert_num_queries(10, exact=False) as ctx:
            client.get(url)
        counts[url] = len(ctx.captured_queries)
    # A count and a page, plus a prefetch for the case studies' objectives.
    assert counts == {urls[0]: 3, urls[1]: 2, urls[2]: 2, urls[3]: 1}
    add(4)
    for url in urls:
        with django_assert_num_queries(counts[url]):
            client.get(url)


def test_nothing_under_embargo_in_the_network_page(net, client, release) -> None:
    indicator = IndicatorFactory(owner=net.nsi_b, code="SECRET_B")
    release(
        indicator, net.city_b_territory, "5.0", release_at=timezone.now() + dt.timedelta(days=1)
    )
    client.force_login(net.coordinator)
    assert "SECRET_B" not in client.get("/network/").content.decode()


def test_anonymous_is_sent_to_sign_in(net, client) -> None:
    response = client.get("/network/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
