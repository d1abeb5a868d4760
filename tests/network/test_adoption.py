"""Adopting another NSI's shared indicator definition: same concept, recorded, comparable."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from ddms_platform.core.models import AuditEntry
from indicators.models import ComparabilityGroup, Indicator, IndicatorAdoption
from indicators.services.network import ADOPTED_FIELDS

from ..factories import IndicatorFactory

pytestmark = pytest.mark.django_db


def _adopt(api: Any, user: Any, pk: int, **body: Any) -> Any:
    return api(user).post(f"/api/v1/network/indicators/{pk}/adopt/", body, format="json")


def test_adoption_copies_the_definition_into_the_other_country(
    net: SimpleNamespace, api: Any, shared_indicator: Indicator
) -> None:
    response = _adopt(api, net.nsi_b_manager, shared_indicator.pk)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source_country"] == "RS" and body["adopted_country"] == "HR"
    adopted = Indicator.objects.get(owner=net.nsi_b, code="ELEC_HH")
    for name in ADOPTED_FIELDS:
        assert getattr(adopted, name) == getattr(shared_indicator, name), name
    # Same code in two countries: codes are unique per owner.
    assert Indicator.objects.filter(code="ELEC_HH").count() == 2
    # An adopted definition starts private to its new NSI.
    assert adopted.shared_with_network is False


def test_adoption_is_recorded_and_marks_both_comparable(net, api, shared_indicator) -> None:
    _adopt(api, net.nsi_b_manager, shared_indicator.pk)
    adoption = IndicatorAdoption.objects.get()
    assert adoption.source == shared_indicator
    assert adoption.organisation == net.nsi_b and adoption.adopted_by == net.nsi_b_manager
    group = ComparabilityGroup.objects.get()
    assert set(group.indicators.all()) == {shared_indicator, adoption.adopted}
    assert AuditEntry.objects.filter(action="indicator.adopt").count() == 1
    listed = api(net.coordinator).get("/api/v1/network/adoptions/").json()
    assert listed["results"][0]["group"] == group.code


def test_adoption_under_another_code(net, api, shared_indicator) -> None:
    response = _adopt(api, net.nsi_b_manager, shared_indicator.pk, code="EL-KUC")
    assert response.status_code == 201
    assert Indicator.objects.filter(owner=net.nsi_b, code="EL-KUC").exists()


def test_third_country_joins_the_same_group(net, api, shared_indicator) -> None:
    from ..factories import CountryFactory, MembershipFactory, OrganisationFactory, UserFactory

    country_c = CountryFactory(code="SI", name="Slovenia")
    nsi_c = OrganisationFactory(name="NSI C", kind="nsi", country=country_c)
    user_c = MembershipFactory(user=UserFactory(username="nsi-c"), organisation=nsi_c).user
    _adopt(api, net.nsi_b_manager, shared_indicator.pk)
    assert _adopt(api, user_c, shared_indicator.pk).status_code == 201
    group = ComparabilityGroup.objects.get()
    assert group.indicators.count() == 3


def test_code_clash_is_a_field_error_and_writes_nothing(net, api, shared_indicator) -> None:
    IndicatorFactory(owner=net.nsi_b, code="ELEC_HH")
    response = _adopt(api, net.nsi_b_manager, shared_indicator.pk)
    assert response.status_code == 400
    assert "code" in response.json()["error"]["fields"]
    assert not IndicatorAdoption.objects.exists()
    assert not ComparabilityGroup.objects.exists()


def test_second_adoption_by_the_same_nsi_is_refused(net, api, shared_indicator) -> None:
    _adopt(api, net.nsi_b_manager, shared_indicator.pk)
    response = _adopt(api, net.nsi_b_manager, shared_indicator.pk, code="OTHER")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "already_adopted"


def test_an_nsi_cannot_adopt_its_own_indicator(net, api, shared_indicator) -> None:
    response = _adopt(api, net.nsi_manager, shared_indicator.pk, code="COPY")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "own_indicator"


def test_an_unshared_indicator_answers_like_a_missing_one(net, api) -> None:
    private = IndicatorFactory(owner=net.nsi, code="PRIVATE")
    foreign = _adopt(api, net.nsi_b_manager, private.pk)
    missing = _adopt(api, net.nsi_b_manager, 999_999)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


@pytest.mark.parametrize("who", ["nsi_b_viewer", "coordinator", "partner_a_user", "city_user"])
def test_only_acting_nsi_staff_adopt(net, api, shared_indicator, who) -> None:
    assert _adopt(api, getattr(net, who), shared_indicator.pk).status_code == 403
    assert not IndicatorAdoption.objects.exists()


def test_adopt_page_shows_field_errors_and_adopts(net, client, shared_indicator) -> None:
    IndicatorFactory(owner=net.nsi_b, code="TAKEN")
    client.force_login(net.nsi_b_manager)
    url = f"/network/indicators/{shared_indicator.pk}/adopt/"
    assert shared_indicator.methodology in client.get(url).content.decode()
    refused = client.post(url, {"code": "TAKEN"})
    assert refused.status_code == 400
    assert "already used by one of your indicators" in refused.content.decode()
    done = client.post(url, {"code": ""})
    group = ComparabilityGroup.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/compare/{group.code}/"


def test_adopt_page_is_not_found_for_the_coordinator(net, client, shared_indicator) -> None:
    client.force_login(net.coordinator)
    assert client.get(f"/network/indicators/{shared_indicator.pk}/adopt/").status_code == 404
