"""Sharing case studies, knowledge-base entries and indicator definitions with the network."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from ddms_platform.core.models import AuditEntry
from partnerships.models import CaseStudy, KnowledgeArticle

from ..factories import (
    AgreementFactory,
    CaseStudyFactory,
    IndicatorFactory,
    KnowledgeArticleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_a(net: SimpleNamespace) -> CaseStudy:
    return CaseStudyFactory(agreement=AgreementFactory(nsi=net.nsi, partners=[net.partner_a]))


@pytest.fixture
def case_b(net: SimpleNamespace) -> CaseStudy:
    agreement = AgreementFactory(nsi=net.nsi_b, partners=[net.partner_b_country])
    return CaseStudyFactory(agreement=agreement, title="Varaždin lessons")


def _share(api: Any, user: Any, kind: str, pk: int, shared: bool = True) -> Any:
    return api(user).post(
        "/api/v1/network/shares/", {"kind": kind, "id": pk, "shared": shared}, format="json"
    )


def test_nsi_shares_its_case_study_and_the_change_is_audited(net, api, case_a) -> None:
    response = _share(api, net.nsi_manager, "case_study", case_a.pk)
    assert response.status_code == 200, response.content
    assert response.json()["shared"] is True
    case_a.refresh_from_db()
    assert case_a.shared_with_network and case_a.shared_at is not None
    assert case_a.shared_by == net.nsi_manager
    entry = AuditEntry.objects.get(action="case_study.share")
    assert entry.object_id == str(case_a.pk) and entry.actor == net.nsi_manager


def test_sharing_twice_writes_one_audit_entry(net, api, case_a) -> None:
    _share(api, net.nsi_manager, "case_study", case_a.pk)
    _share(api, net.nsi_manager, "case_study", case_a.pk)
    assert AuditEntry.objects.filter(action="case_study.share").count() == 1


def test_taking_a_case_study_back_hides_it_from_the_network(net, api, case_a) -> None:
    _share(api, net.nsi_manager, "case_study", case_a.pk)
    assert _share(api, net.nsi_manager, "case_study", case_a.pk, False).status_code == 200
    listed = api(net.nsi_b_manager).get("/api/v1/network/case-studies/").json()
    assert listed["count"] == 0
    assert AuditEntry.objects.filter(action="case_study.unshare").count() == 1


def test_other_country_sees_a_shared_case_study_and_not_an_unshared_one(
    net, api, case_a, case_b
) -> None:
    _share(api, net.nsi_manager, "case_study", case_a.pk)
    body = api(net.nsi_b_manager).get("/api/v1/network/case-studies/").json()
    assert [row["title"] for row in body["results"]] == [case_a.title]
    assert body["results"][0]["country"] == "RS"
    # Its own unshared case study is not "shared" either.
    assert case_b.title not in {row["title"] for row in body["results"]}


def test_foreign_case_study_answers_like_a_missing_one(net, api, case_b) -> None:
    foreign = _share(api, net.nsi_manager, "case_study", case_b.pk)
    missing = _share(api, net.nsi_manager, "case_study", 999_999)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    case_b.refresh_from_db()
    assert not case_b.shared_with_network


@pytest.mark.parametrize("who", ["nsi_viewer", "partner_a_user", "city_user", "coordinator"])
def test_only_acting_staff_of_the_owning_nsi_share_a_case_study(net, api, case_a, who) -> None:
    response = _share(api, getattr(net, who), "case_study", case_a.pk)
    assert response.status_code in (403, 404)
    case_a.refresh_from_db()
    assert not case_a.shared_with_network


def test_anonymous_cannot_share(net, api, case_a) -> None:
    assert _share(api, None, "case_study", case_a.pk).status_code in (401, 403)


def test_a_draft_entry_cannot_be_shared(net, api) -> None:
    draft = KnowledgeArticleFactory(
        author_organisation=net.nsi, is_published=False, published_at=None
    )
    response = _share(api, net.nsi_manager, "article", draft.pk)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_published"


def test_shared_entry_reaches_the_other_country_and_the_coordinator(net, api) -> None:
    article = KnowledgeArticleFactory(author_organisation=net.nsi, title="Open data guide")
    KnowledgeArticleFactory(author_organisation=net.nsi, title="Private notes")
    assert _share(api, net.nsi_manager, "article", article.pk).status_code == 200
    for user in (net.nsi_b_manager, net.coordinator):
        titles = [r["title"] for r in api(user).get("/api/v1/network/articles/").json()["results"]]
        assert titles == ["Open data guide"]


def test_indicator_definition_shared_by_its_owner(net, api) -> None:
    indicator = IndicatorFactory(owner=net.nsi, code="PT_SHARE")
    assert _share(api, net.nsi_manager, "indicator", indicator.pk).status_code == 200
    listed = api(net.nsi_b_manager).get("/api/v1/network/indicators/").json()
    assert [row["code"] for row in listed["results"]] == ["PT_SHARE"]
    assert listed["results"][0]["country"] == "RS"
    assert AuditEntry.objects.filter(action="indicator.share").count() == 1


def test_other_nsi_cannot_share_a_foreign_indicator(net, api) -> None:
    indicator = IndicatorFactory(owner=net.nsi, code="PT_SHARE")
    foreign = _share(api, net.nsi_b_manager, "indicator", indicator.pk)
    missing = _share(api, net.nsi_b_manager, "indicator", 999_999)
    assert foreign.status_code == missing.status_code == 404
    indicator.refresh_from_db()
    assert not indicator.shared_with_network


@pytest.mark.parametrize("who", ["partner_a_user", "city_user", "outsider"])
def test_network_lists_are_closed_to_partners_cities_and_outsiders(net, api, who) -> None:
    for url in (
        "/api/v1/network/indicators/",
        "/api/v1/network/case-studies/",
        "/api/v1/network/articles/",
        "/api/v1/network/fulfilment/",
        "/api/v1/network/adoptions/",
    ):
        assert api(getattr(net, who)).get(url).status_code == 403, url


def test_share_page_lists_own_country_only_with_switches(net, client, case_a, case_b) -> None:
    IndicatorFactory(owner=net.nsi, code="OWN_ONE")
    IndicatorFactory(owner=net.nsi_b, code="FOREIGN_ONE")
    client.force_login(net.nsi_manager)
    page = client.get("/network/share/").content.decode()
    assert "OWN_ONE" in page and "FOREIGN_ONE" not in page
    assert case_a.title in page and case_b.title not in page
    response = client.post(f"/network/share/case_study/{case_a.pk}/", {"shared": "1"})
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.shared_with_network


def test_share_page_is_not_found_for_a_partner(net, client) -> None:
    client.force_login(net.partner_a_user)
    assert client.get("/network/share/").status_code == 404


def test_admin_action_shares_through_the_service(net, client, case_a) -> None:
    client.force_login(net.admin)
    response = client.post(
        "/admin/partnerships/casestudy/",
        {"action": "share_case_study", "_selected_action": [case_a.pk]},
    )
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.shared_with_network
    assert AuditEntry.objects.filter(action="case_study.share", actor=net.admin).exists()


def test_knowledge_article_model_has_no_sharing_until_asked(net) -> None:
    article = KnowledgeArticleFactory(author_organisation=net.nsi)
    assert KnowledgeArticle.objects.get(pk=article.pk).shared_with_network is False
