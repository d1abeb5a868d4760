"""Every network endpoint × every role of two countries and the network: allowed or refused.

Statuses: 2xx allowed; 403 known but not allowed; 404 not in the role's sight (exactly like a
missing id); 401/403 for anonymous (DRF answers 403 to session-less anonymous writes).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from indicators.kit import kit_zip

from ..factories import (
    AgreementFactory,
    CaseStudyFactory,
    IndicatorFactory,
    KnowledgeArticleFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "partner_a_user",
    "partner_a_viewer",
    "partner_b_user",
    "partner_hr_user",
    "city_user",
    "city_b_user",
    "nsi_manager",
    "nsi_viewer",
    "regional_user",
    "nsi_b_manager",
    "nsi_b_viewer",
    "coordinator",
    "coordinator_viewer",
    "admin",
)
READERS = {
    "nsi_manager",
    "nsi_viewer",
    "regional_user",
    "nsi_b_manager",
    "nsi_b_viewer",
    "coordinator",
    "coordinator_viewer",
    "admin",
}
ACTING_STAFF = {"nsi_manager", "regional_user", "nsi_b_manager", "admin"}


@pytest.fixture
def m(net: SimpleNamespace) -> SimpleNamespace:
    w = net
    w.partner_hr_user = MembershipFactory(
        user=UserFactory(username="p-hr"), organisation=w.partner_b_country
    ).user
    w.city_b_user = MembershipFactory(
        user=UserFactory(username="city-b"), organisation=w.city_b
    ).user
    w.regional_user = MembershipFactory(
        user=UserFactory(username="regional"), organisation=w.regional
    ).user
    now = timezone.now()
    w.indicator_rs = IndicatorFactory(
        owner=w.nsi, code="ELEC_HH", shared_with_network=True, shared_at=now
    )
    w.private_rs = IndicatorFactory(owner=w.nsi, code="PRIVATE")
    w.case_rs = CaseStudyFactory(
        agreement=AgreementFactory(nsi=w.nsi, partners=[w.partner_a]),
        shared_with_network=True,
        shared_at=now,
    )
    w.article_rs = KnowledgeArticleFactory(
        author_organisation=w.nsi, shared_with_network=True, shared_at=now
    )
    w.kit = kit_zip(w.pilot_a, agency="RZS")
    return w


def _user(m: SimpleNamespace, role: str) -> Any:
    return None if role == "anonymous" else getattr(m, role)


def _expect(role: str, allowed: set[str], ok: int, *, hidden: set[str] = frozenset()) -> set[int]:
    if role == "anonymous":
        return {401, 403}
    if role in allowed:
        return {ok}
    if role in hidden:
        return {404}
    return {403}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/network/indicators/",
        "/api/v1/network/adoptions/",
        "/api/v1/network/case-studies/",
        "/api/v1/network/articles/",
        "/api/v1/network/fulfilment/",
    ],
)
def test_network_reads(m, api, role, url) -> None:
    response = api(_user(m, role)).get(url)
    assert response.status_code in _expect(role, READERS, 200), response.content


@pytest.mark.parametrize("role", ROLES)
def test_shared_detail_reads(m, api, role) -> None:
    client = api(_user(m, role))
    for url in (
        f"/api/v1/network/indicators/{m.indicator_rs.pk}/",
        f"/api/v1/network/case-studies/{m.case_rs.pk}/",
        f"/api/v1/network/articles/{m.article_rs.pk}/",
    ):
        assert client.get(url).status_code in _expect(role, READERS, 200), url
    # A private definition is not shared: not found for every network reader.
    private = client.get(f"/api/v1/network/indicators/{m.private_rs.pk}/")
    assert private.status_code in ({401, 403} if role not in READERS else {404})


@pytest.mark.parametrize("role", ROLES)
def test_comparisons_are_public(m, api, role) -> None:
    assert api(_user(m, role)).get("/api/v1/comparisons/").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_kit_export(m, api, role) -> None:
    response = api(_user(m, role)).get(f"/api/v1/pilots/{m.pilot_a.pk}/kit/")
    allowed = {"nsi_manager", "regional_user", "admin"}
    assert response.status_code in _expect(role, allowed, 200, hidden={"nsi_b_manager"})


@pytest.mark.parametrize("role", ROLES)
def test_kit_import_list_and_preview(m, api, role) -> None:
    client = api(_user(m, role))
    assert client.get("/api/v1/network/kit-imports/").status_code in _expect(
        role, ACTING_STAFF, 200
    )
    response = client.post(
        "/api/v1/network/kit-imports/",
        {"pilot": m.pilot_b.pk, "file": SimpleUploadedFile("kit.zip", m.kit)},
        format="multipart",
    )
    # Staff of the other country name a pilot they cannot see: a field error, as for any id.
    expected = _expect(role, {"nsi_b_manager", "admin"}, 201)
    if role in {"nsi_manager", "regional_user"}:
        expected = {400}
    assert response.status_code in expected, response.content


@pytest.mark.parametrize("role", ROLES)
def test_share_a_serbian_definition(m, api, role) -> None:
    response = api(_user(m, role)).post(
        "/api/v1/network/shares/",
        {"kind": "indicator", "id": m.private_rs.pk, "shared": True},
        format="json",
    )
    allowed = {"nsi_manager", "regional_user", "admin"}
    # Serbian viewers see the row but may not change it; everyone else does not see it.
    hidden = set(ROLES) - allowed - {"nsi_viewer", "anonymous"}
    assert response.status_code in _expect(role, allowed, 200, hidden=hidden), response.content
    m.private_rs.refresh_from_db()
    assert m.private_rs.shared_with_network is (role in allowed)


@pytest.mark.parametrize("role", ROLES)
def test_adopt_a_serbian_definition(m, api, role) -> None:
    response = api(_user(m, role)).post(
        f"/api/v1/network/indicators/{m.indicator_rs.pk}/adopt/", {}, format="json"
    )
    if role in {"nsi_manager", "regional_user", "admin"}:
        # Their own (admin: the first NSI's) indicator: adopting it is refused.
        assert response.status_code == 400
    else:
        assert response.status_code in _expect(role, {"nsi_b_manager"}, 201), response.content


@pytest.mark.parametrize("role", ROLES)
def test_write_a_network_entry(m, api, role) -> None:
    response = api(_user(m, role)).post(
        "/api/v1/network/articles/", {"title": "Entry", "kind": "guideline"}, format="json"
    )
    assert response.status_code in _expect(role, {"coordinator", "admin"}, 201), response.content


@pytest.mark.parametrize("role", ROLES)
def test_network_pages(m, client, role) -> None:
    if role != "anonymous":
        client.force_login(_user(m, role))
    page = client.get("/network/")
    if role == "anonymous":
        assert page.status_code == 302
    else:
        assert page.status_code == (200 if role in READERS else 404)
    assert client.get("/compare/").status_code == 200
