"""Outside input never gets a 500: unknown filters, malformed ids and deep JSON are 4xx.

Each case here was a 500 before (issue 9, "What was seen").
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import DataRequestFactory

pytestmark = pytest.mark.django_db

OPEN_DATA = [
    "/api/v1/open-data/observations.json",
    "/api/v1/open-data/observations.csv",
    "/api/v1/open-data/observations.sdmx.csv?indicator=PT_ACCESS",
]


def _join(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


@pytest.mark.parametrize("url", OPEN_DATA)
@pytest.mark.parametrize("query", ["sex__isnull=1", "sex__regex=x", "sex__exact=F", "x__lt=1"])
def test_it_refuses_a_lookup_in_a_dimension_filter_naming_the_allowed_ones(
    api, published, url, query
):
    response = api(None).get(_join(url, query))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "unknown_filter"
    assert error["unknown"] == [query.split("=")[0]]
    assert "sex" in error["allowed"] and "indicator" in error["allowed"]
    assert "Allowed filters:" in error["message"] and "sex" in error["message"]


def test_it_refuses_a_lookup_on_the_series_endpoint(api, published):
    response = api(None).get("/api/v1/indicators/PT_ACCESS/series/?x__lt=1")
    assert response.status_code == 400
    assert response.json()["error"]["allowed"] == [
        "indicator",
        "owner",
        "page",
        "page_size",
        "period_from",
        "period_to",
        "territory",
        "sex",
    ]


@pytest.mark.parametrize("url", OPEN_DATA)
def test_a_declared_dimension_still_filters(api, published, url):
    response = api(None).get(_join(url, "sex=F"))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    # Four values are public; only one of them is for women.
    assert body.count(b"RS-KG") == 1 and b"RS-KG-ST" in body


@pytest.mark.parametrize("bad", ["abc", "null,null", "1e3", "-1", "1.0"])
def test_a_malformed_observation_id_is_404(api, world, bad):
    response = api(None).get(f"/api/v1/observations/{bad}/lineage/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def _detail_routes() -> list[str]:
    """Every API route that takes an id in its path, with the id replaced by `{id}`."""
    found: list[str] = []

    def walk(patterns: list, prefix: str) -> None:
        for p in patterns:
            regex = str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + regex.lstrip("^"))
            elif isinstance(p, URLPattern):
                full = prefix + regex.lstrip("^")
                for name in ("(?P<pk>[0-9]+)", "<int:pk>", "(?P<document_id>[0-9]+)"):
                    full = full.replace(name, "{id}")
                if full.startswith("api/") and "{id}" in full and "(?P" not in full:
                    found.append("/" + full.rstrip("$").replace("\\", ""))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def test_every_id_route_is_found():
    routes = _detail_routes()
    assert "/api/v1/observations/{id}/lineage/" in routes
    assert "/api/v1/notifications/{id}/retry/" in routes
    assert len(routes) > 40


@pytest.mark.parametrize("bad", ["abc", "null,null", "1e3"])
def test_a_malformed_id_is_404_on_every_route(api, world, bad):
    client = api(world.admin)
    failures = {}
    for route in _detail_routes():
        url = route.replace("{id}", bad)
        for method in ("get", "post"):
            status = getattr(client, method)(url, {}, format="json").status_code
            if status != 404:
                failures[f"{method.upper()} {url}"] = status
    assert failures == {}


DEEP = "[" * 100_000 + "]" * 100_000


def _deep_post(client, url):
    return client.generic("POST", url, DEEP, content_type="application/json")


def test_deep_json_is_400_on_subscriptions_requests_and_comments(api, world):
    data_request = DataRequestFactory(requester=world.nsi, provider=world.partner_a)
    client = api(world.nsi_manager)
    for url in (
        "/api/v1/subscriptions/",
        "/api/v1/data-requests/",
        f"/api/v1/data-requests/{data_request.pk}/comments/",
    ):
        response = _deep_post(client, url)
        assert response.status_code == 400, url
        error = response.json()["error"]
        assert error["code"] == "parse_error"
        assert "nested deeper than 32 levels" in error["message"]


def test_json_at_the_depth_limit_is_parsed(api, world, settings):
    settings.DDMS_JSON_MAX_DEPTH = 4
    client = api(world.nsi_manager)
    ok = client.post("/api/v1/subscriptions/", {"indicators": [[["x"]]]}, format="json")
    too_deep = client.post("/api/v1/subscriptions/", {"indicators": [[[["x"]]]]}, format="json")
    assert ok.status_code == 400 and "fields" in ok.json()["error"]
    assert too_deep.status_code == 400 and too_deep.json()["error"]["code"] == "parse_error"


@pytest.fixture(scope="module")
def openapi():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_open_data_json_is_declared_as_the_array_it_returns(openapi):
    content = openapi["paths"]["/api/v1/open-data/observations.{fmt}"]["get"]["responses"]["200"][
        "content"
    ]
    assert content["application/json"]["schema"]["type"] == "array"
    assert content["text/csv"]["schema"]["type"] == "string"


def test_a_notification_email_may_be_blank_in_the_schema(openapi):
    email = openapi["components"]["schemas"]["Notification"]["properties"]["email"]
    assert email["type"] == "string" and "format" not in email


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/indicators/a%00b/series/",
        "/api/v1/open-data/observations.json?indicator=a%00b",
        "/api/v1/indicators/?search=a%00b",
        "/indicators/a%00b/",
    ],
)
def test_a_nul_character_in_the_address_is_400(api, world, url):
    # PostgreSQL refuses NUL in any text comparison: this was a 500 there.
    response = api(None).get(url)
    assert response.status_code == 400
    assert b"NUL character" in response.content


def test_a_nul_character_in_a_json_body_is_400(api, world):
    for body in ({"topic": "a\x00b"}, {"a\x00b": 1}):
        response = api(world.nsi_manager).post("/api/v1/subscriptions/", body, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["message"] == "The JSON body contains a NUL character."
