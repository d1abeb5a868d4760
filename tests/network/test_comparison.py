"""The cross-city comparison: latest public values side by side, embargo per country."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from indicators.models import Indicator
from indicators.services.network import indicator_adopt

from ..factories import CountryFactory, IndicatorFactory, OrganisationFactory, TerritoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(net: SimpleNamespace, shared_indicator: Indicator) -> SimpleNamespace:
    adoption = indicator_adopt(source=shared_indicator, actor=net.nsi_b_manager)
    return SimpleNamespace(a=shared_indicator, b=adoption.adopted, group=adoption.group)


def test_values_of_both_cities_side_by_side(net, api, pair, release) -> None:
    release(pair.a, net.city_a_territory, "101.5", period="2028")
    release(pair.a, net.city_a_territory, "99.0", period="2029")
    release(pair.b, net.city_b_territory, "120.0", period="2029")
    body = api(None).get(f"/api/v1/comparisons/{pair.group.code}/").json()
    values = {(v["country"], v["territory"]): v for v in body["values"]}
    assert set(values) == {("RS", "RS-KG"), ("HR", "HR-VZ")}
    # The latest period of each city, not an older one.
    assert values["RS", "RS-KG"]["period"] == "2029"
    assert values["RS", "RS-KG"]["value"].startswith("99")
    assert values["HR", "HR-VZ"]["value"].startswith("120")
    assert values["HR", "HR-VZ"]["release"]["release_at"] is not None
    assert values["HR", "HR-VZ"]["lineage"].endswith("/lineage/")


def test_lineage_link_answers_for_the_public(net, api, pair, release) -> None:
    release(pair.b, net.city_b_territory, "120.0")
    body = api(None).get(f"/api/v1/comparisons/{pair.group.code}/").json()
    lineage = api(None).get(body["values"][0]["lineage"])
    assert lineage.status_code == 200
    assert lineage.json()["observation"]["territory"] == "HR-VZ"


def test_an_embargoed_release_of_one_country_shows_nothing_of_it(net, api, pair, release) -> None:
    release(pair.a, net.city_a_territory, "99.0")
    later = timezone.now() + dt.timedelta(days=2)
    release(pair.b, net.city_b_territory, "120.0", release_at=later)
    for user in (None, net.nsi_b_manager, net.coordinator, net.admin):
        body = api(user).get(f"/api/v1/comparisons/{pair.group.code}/").json()
        assert [v["country"] for v in body["values"]] == ["RS"], user
        assert [i["country"] for i in body["indicators"]] == ["RS"], user


def test_embargo_lifts_at_the_release_time(net, pair, release) -> None:
    from indicators.selectors.network import comparison

    at = timezone.now() + dt.timedelta(hours=3)
    release(pair.b, net.city_b_territory, "120.0", release_at=at)
    before = comparison(group=pair.group, now=at - dt.timedelta(seconds=1))
    after = comparison(group=pair.group, now=at)
    assert before.rows == []
    assert [r.territory_code for r in after.rows] == ["HR-VZ"]


def test_a_group_with_nothing_public_does_not_exist(net, api, pair) -> None:
    assert api(None).get(f"/api/v1/comparisons/{pair.group.code}/").status_code == 404
    assert api(None).get("/api/v1/comparisons/no-such-group/").status_code == 404
    assert api(None).get("/api/v1/comparisons/").json()["results"] == []


def test_a_superseded_value_gives_way_to_the_revision(net, api, pair, release) -> None:
    first = release(pair.a, net.city_a_territory, "99.0", series="rs-elec")
    release(pair.a, net.city_a_territory, "98.0", series="rs-elec", version=2, supersedes=first)
    body = api(None).get(f"/api/v1/comparisons/{pair.group.code}/").json()
    assert [v["value"][:4] for v in body["values"]] == ["98.0"]


def test_list_names_only_members_with_a_public_release(net, api, pair, release) -> None:
    release(pair.a, net.city_a_territory, "99.0")
    body = api(None).get("/api/v1/comparisons/").json()
    assert [g["code"] for g in body["results"]] == [pair.group.code]
    assert [i["country"] for i in body["results"][0]["indicators"]] == ["RS"]


def _more_countries(pair: SimpleNamespace, release: Any, n: int) -> None:
    """n more countries adopting (written directly: the list's query count is the point)."""
    for index in range(n):
        code = f"X{index}"
        country = CountryFactory(code=code, name=f"Country {code}")
        nsi = OrganisationFactory(name=f"NSI {code}", kind="nsi", country=country)
        member = IndicatorFactory(owner=nsi, code=pair.a.code)
        pair.group.indicators.add(member)
        territory = TerritoryFactory(code=f"{code}-C", level="city", country=country)
        release(member, territory, "10.0")


def test_list_query_count_is_independent_of_countries(
    net, api, pair, release, django_assert_num_queries
) -> None:
    release(pair.a, net.city_a_territory, "99.0")
    client = api(None)
    with django_assert_num_queries(3) as first:
        client.get("/api/v1/comparisons/")
    _more_countries(pair, release, 4)
    with django_assert_num_queries(len(first.captured_queries)):
        body = client.get("/api/v1/comparisons/").json()
    assert len(body["results"][0]["indicators"]) == 5


def test_detail_query_count_is_independent_of_countries(
    net, api, pair, release, django_assert_num_queries
) -> None:
    release(pair.a, net.city_a_territory, "99.0")
    client = api(None)
    url = f"/api/v1/comparisons/{pair.group.code}/"
    with django_assert_num_queries(4) as first:
        client.get(url)
    _more_countries(pair, release, 3)
    with django_assert_num_queries(len(first.captured_queries)):
        assert len(client.get(url).json()["values"]) == 4


def test_comparison_page_shows_both_cities(net, client, pair, release) -> None:
    release(pair.a, net.city_a_territory, "99.0")
    release(pair.b, net.city_b_territory, "120.0")
    listing = client.get("/compare/").content.decode()
    assert pair.group.name_en in listing
    page = client.get(f"/compare/{pair.group.code}/").content.decode()
    assert "Kragujevac" in page and "Varaždin" in page
    assert "/lineage/" in page


def test_comparison_page_of_an_unreleased_group_is_not_found(net, client, pair) -> None:
    assert client.get(f"/compare/{pair.group.code}/").status_code == 404
