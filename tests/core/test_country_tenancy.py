"""Country tenancy: two countries, every role, every API route and page (from the resolver).

- No foreign row in any list: a row another country's users see that neither anonymous nor an
  account without memberships sees is never listed to this country's users.
- Foreign ids answer exactly as non-existent ids (status and body), on every detail and action
  route, for reads and writes; foreign ids in bodies answer as missing ones.
- Pages never show another country's private rows (each carries the marker PRIV-<code>).
- List query counts do not grow with a third country.

A route the tables here do not cover fails `test_every_api_route_has_a_tenancy_rule` by name.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver
from rest_framework.test import APIClient

from tests.web.test_url_coverage import all_patterns

from .two_countries import build_country, build_world, country_of, marker

pytestmark = pytest.mark.django_db

MISSING = 987_654
API = "api/v1/"
# List routes (no id in the path), by name; every one is checked generically.
EXTRA_LISTS = {"release-calendar": "/api/v1/release-calendar/"}
# Routes with an id that are not `<basename>-…` of a router list: the list their ids come from.
ID_SOURCES = {
    "communicationplan-calendar": "communicationplan-list",
    "submission-report-csv": "submission-list",
    "indicator-series": "indicator-list",
    "publication-pre-release-access": "publication-list",
    "pilot-kit": "pilot-list",
}
# Routes with no per-country rows (public by design or the caller's own), and why.
EXEMPT = {
    "api-root": "index of links",
    "api-token": "the caller's own token",
    "open-data-observations": "anonymous open data: released values of every country",
    "release-calendar-ics": "public calendar of every country (embargoed: date and title only)",
    "territory-import-csv": "write: covered by test_foreign_writes_in_bodies_answer_as_missing",
    "country-list": "reference data",
    "country-detail": "reference data",
    "territory-detail": "territories are public reference data",
    "territory-list": "territories are public reference data",
    "network-fulfilment": "network-wide by design: anonymised per-country request counts only"
    " (no organisation, title or file) for NSI staff and coordinators",
    "pilot-monitoring": "public by design (dashboard): a pilot's adopted targets against"
    " published figures, the same for anonymous, as on the public page /pilots/<pk>/progress/",
    "network-share": "write naming an id in the body: only the caller's own objects, others"
    " 404 as missing ones (tests/network/test_network_matrix.py, test_sharing.py)",
}
# Lists in which each country must have private rows, so the matrix cannot pass empty.
MUST_HAVE_PRIVATE = {
    "agreement-list",
    "casestudy-list",
    "pilot-list",
    "policy-list",
    "communicationplan-list",
    "activity-list",
    "datarequest-list",
    "submission-list",
    "membership-list",
    "contact-list",
    "organisation-list",
    "indicator-list",
    "working-observation-list",
    "observation-load-list",
    "publication-list",
    "observation-list",
    "knowledgearticle-list",
    "fulfilment-list",
    "notification-list",
    "subscription-list",
    "deliverable-list",
}


def client(user: Any) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user=user)
    return c


def api_routes() -> list[tuple[str, str, Any]]:
    """(regex or route, name, callback) of every API route."""
    return [(r[len(API) :], n, cb) for r, n, cb in all_patterns() if r.startswith(API) and n]


def list_paths() -> dict[str, str]:
    """name → path of every list route."""
    paths = dict(EXTRA_LISTS)
    for route, name, _cb in api_routes():
        if name.endswith("-list") and "(?P" not in route and name not in EXEMPT:
            paths[name] = "/api/v1/" + route.strip("^$")
    return paths


def rows(user: Any, path: str) -> list[str]:
    """Every row the list answers (all pages), each as canonical JSON."""
    found: list[str] = []
    url: str | None = path + ("&" if "?" in path else "?") + "page_size=500"
    c = client(user)
    while url:
        response = c.get(url)
        if response.status_code != 200:
            return found
        body = response.json()
        items = body["results"] if isinstance(body, dict) and "results" in body else body
        found += [json.dumps(item, sort_keys=True, default=str) for item in items]
        url = body.get("next") if isinstance(body, dict) else None
    return found


@pytest.fixture
def world() -> Any:
    return build_world()


def private_rows(world: Any, path: str) -> dict[str, set[str]]:
    """Per country: rows its users list that neither anonymous nor the outsider lists."""
    public = set(rows(None, path)) | set(rows(world.outsider, path))
    out: dict[str, set[str]] = {"RS": set(), "ME": set()}
    for role, user in world.roles.items():
        code = country_of(role)
        if code in out:
            out[code] |= set(rows(user, path)) - public
    return out


def test_every_api_route_has_a_tenancy_rule():
    lists = set(list_paths())
    missing = []
    for route, name, _cb in api_routes():
        if name in EXEMPT or name in lists or name in ID_SOURCES:
            continue
        basename = name.rsplit("-", 1)[0]
        if "(?P<" in route and any(f"{basename}-list" == n for n in lists):
            continue
        if "(?P<" in route and name.rsplit("-", 2)[0] + "-list" in lists:
            continue
        missing.append(name)
    assert not missing, f"API routes without a tenancy rule here: {missing}"


def test_no_list_shows_a_foreign_row(world):
    for name, path in sorted(list_paths().items()):
        private = private_rows(world, path)
        if name in MUST_HAVE_PRIVATE:
            assert private["RS"] and private["ME"], f"{name}: no private rows to test with"
        for role, user in world.roles.items():
            code = country_of(role)
            if code is None:
                continue
            foreign = private["ME" if code == "RS" else "RS"]
            leaked = set(rows(user, path)) & foreign
            assert not leaked, f"{role} lists {len(leaked)} foreign row(s) of {name}"


def _id_routes() -> list[tuple[str, str, str]]:
    """(path template with {id}, route name, list name) of every API route taking an id."""
    lists = list_paths()
    found = []
    for route, name, _cb in api_routes():
        if name in EXEMPT:
            continue
        source = ID_SOURCES.get(name)
        if source is None:
            basename = name.rsplit("-", 1)[0]
            source = f"{basename}-list" if f"{basename}-list" in lists else None
            if source is None and name.rsplit("-", 2)[0] + "-list" in lists:
                source = name.rsplit("-", 2)[0] + "-list"
        if source is None or source not in lists:
            continue
        template = re.sub(r"\(\?P<(pk|code)>[^)]*\)", "{id}", route.strip("^$"))
        template = re.sub(r"<(?:int|str):(pk|code)>", "{id}", template)
        template = re.sub(r"\(\?P<\w+>[^)]*\)", str(MISSING), template)
        if "{id}" in template:
            found.append(("/api/v1/" + template, name, source))
    return found


def _key(row: str, template: str) -> str | None:
    item = json.loads(row)
    if "/indicators/" in template or "/territories/" in template:
        return item.get("code")
    value = item.get("id", item.get("organisation_id"))
    return None if value is None else str(value)


def _answer(response: Any) -> tuple[int, Any]:
    try:
        body: Any = response.json()
    except ValueError:
        body = response.content
    return response.status_code, body


def test_foreign_ids_answer_as_missing_ones_on_every_id_route(world):
    routes = _id_routes()
    assert len(routes) > 30  # the resolver gave the routes
    private, public = {}, {}
    for _t, _n, source in routes:
        if source not in private:
            path = list_paths()[source]
            private[source] = private_rows(world, path)
            public[source] = set(rows(None, path)) | set(rows(world.outsider, path))
    for template, name, source in routes:
        for code, other in (("RS", "ME"), ("ME", "RS")):
            # Keys of rows only the other country's users see (a public row's key is public).
            seen = {_key(row, template) for row in public[source]}
            keys = {k for row in private[source][other] if (k := _key(row, template))} - seen
            for role, user in world.roles.items():
                if country_of(role) != code:
                    continue
                c = client(user)
                for key in sorted(keys)[:1]:
                    for method in ("get", "post", "patch"):
                        missing_id = (
                            "NOPE_MISSING" if "{id}" in template and not key.isdigit() else MISSING
                        )
                        got = _answer(
                            getattr(c, method)(template.format(id=key), {}, format="json")
                        )
                        want = _answer(
                            getattr(c, method)(template.format(id=missing_id), {}, format="json")
                        )
                        assert got == want, f"{role} {method.upper()} {name} foreign {key}: {got}"


def test_foreign_writes_in_bodies_answer_as_missing(world):
    rs, me = world.rs, world.me
    staff = client(rs.users["nsi_manager"])
    cases = [
        (
            "/api/v1/agreements/",
            {"reference": "X-1", "title": "X", "type": "mou", "nsi": "{id}"},
            me.regional.pk,
        ),
        (
            "/api/v1/data-requests/",
            {
                "direction": "acquisition",
                "title": "X",
                "purpose": "X",
                "requester": rs.regional.pk,
                "provider": "{id}",
                "table_schema": {"fields": [{"name": "a", "type": "string"}]},
            },
            me.partner_a.pk,
        ),
        ("/api/v1/case-studies/", {"agreement": "{id}", "title": "X"}, me.agreement.pk),
        ("/api/v1/policies/", {"pilot": "{id}", "name": "X", "kind": "programme"}, me.pilot.pk),
        ("/api/v1/communication-plans/", {"title": "X", "owner": "{id}"}, me.regional.pk),
        (
            "/api/v1/activities/",
            {"plan": "{id}", "kind": "meeting", "title": "X", "starts_at": "2026-05-01T09:00:00Z"},
            me.plan.pk,
        ),
        (
            "/api/v1/memberships/",
            {"user": world.outsider.pk, "organisation": "{id}", "role": "viewer"},
            me.partner_a.pk,
        ),
        (
            "/api/v1/publications/",
            {"series": "x-new", "title": "X", "indicators": ["ELEC_HH"], "pilot": "{id}"},
            me.pilot.pk,
        ),
        (
            "/api/v1/publications/",
            {"series": "x-new", "title": "X", "indicators": ["{id}"]},
            me.private_indicator.code,
        ),
        (
            "/api/v1/observation-loads/",
            {"submission": "{id}", "indicator": "ELEC_HH", "mapping": {}},
            me.submission.pk,
        ),
        (
            "/api/v1/indicators/",
            {
                "code": "NEW",
                "name_en": "N",
                "unit": "%",
                "topic": "t",
                "source_organisations": ["{id}"],
            },
            me.partner_a.pk,
        ),
        (
            "/api/v1/territories/",
            {"code": "X-1", "level": "city", "name_en": "X", "parent": "{id}"},
            "ME-C",
        ),
    ]
    for path, body, foreign in cases:

        def fill(value: Any, body: Any = body) -> Any:
            text = json.dumps(body).replace('"{id}"', json.dumps(value))
            return json.loads(text)

        got = staff.post(path, fill(foreign), format="json")
        missing = "NOPE_MISSING" if isinstance(foreign, str) else MISSING
        want = staff.post(path, fill(missing), format="json")
        normal = lambda r, v: (r.status_code, r.content.decode().replace(str(v), "?"))  # noqa: E731
        assert normal(got, foreign) == normal(want, missing), path
        assert got.status_code == 400, (path, got.content)


def test_foreign_transitions_change_nothing(world):
    me = world.me
    staff = client(world.rs.users["nsi_manager"])
    assert (
        staff.post(
            f"/api/v1/agreements/{me.agreement.pk}/transition/", {"target": "suspended"}
        ).status_code
        == 404
    )
    assert staff.post(f"/api/v1/publications/{me.released.pk}/revise/").status_code == 404
    assert (
        staff.patch(
            "/api/v1/indicators/MONSTAT:ELEC_HH/", {"name_en": "Mine"}, format="json"
        ).status_code
        == 404
    )
    me.agreement.refresh_from_db()
    assert me.agreement.state == "active"
    assert me.released.revisions.count() == 0


WEB_ID_ROUTES = {
    # route name → (path template, the foreign object's key, method)
    "partnerships:agreement-detail": ("/agreements/{id}/", "agreement", "get"),
    "partnerships:agreement-transition": ("/agreements/{id}/transition/", "agreement", "post"),
    "partnerships:request-detail": ("/requests/{id}/", "request", "get"),
    "partnerships:request-acknowledge": ("/requests/{id}/acknowledge/", "request", "post"),
    "partnerships:request-comment": ("/requests/{id}/comment/", "request", "post"),
    "partnerships:request-decline": ("/requests/{id}/decline/", "request", "post"),
    "partnerships:request-review": ("/requests/{id}/review/accept/", "request", "post"),
    "partnerships:request-send": ("/requests/{id}/send/", "draft_request", "post"),
    "partnerships:request-upload": ("/requests/{id}/upload/", "request", "post"),
    "partnerships:submission-detail": ("/submissions/{id}/", "submission", "get"),
    "partnerships:submission-status": ("/submissions/{id}/status/", "submission", "get"),
    "indicators:publication-detail": ("/nsi/publications/{id}/", "draft_publication", "get"),
    "indicators:publication-schedule": ("/nsi/publications/{id}/schedule/", "released", "post"),
    # A scheduled release's announcement is public (see the test below); a draft is not.
    "indicators:release-detail": ("/releases/{id}/", "draft_publication", "get"),
    "partnerships:knowledge-detail": ("/knowledge/{id}/", "draft_article", "get"),
    "indicators:indicator-detail": ("/indicators/{id}/", "private_indicator", "get"),
    "indicators:indicator-subscribe": ("/indicators/{id}/subscribe/", "private_indicator", "post"),
}


def _web_key(obj: Any) -> str:
    return str(getattr(obj, "slug", None) or getattr(obj, "code", None) or obj.pk)


def test_pages_never_show_another_countrys_private_rows(world, client):
    pages = [
        r
        for r, _n, _cb in all_patterns()
        if not r.startswith(("admin/", "api/", "accounts/", "i18n/"))
        and "<" not in r
        and r
        not in (
            "healthz",
            "favicon.ico",
            "city/data-needs/",
            "account/token/",
            "account/token/revoke/",
        )
    ]
    assert "nsi/" in pages and "portal/" in pages
    for role, user in world.roles.items():
        code = country_of(role)
        if code is None:
            continue
        foreign = marker("ME" if code == "RS" else "RS")
        client.logout()
        client.force_login(user)
        for route in pages:
            response = client.get("/" + route)
            assert foreign not in response.content.decode(), f"{role} sees {foreign} on /{route}"


def test_foreign_ids_on_pages_answer_as_missing_ones(world, client):
    names = {n for _r, n, _cb in all_patterns() if n}
    assert set(WEB_ID_ROUTES) <= names
    for role, user in world.roles.items():
        code = country_of(role)
        if code is None:
            continue
        other = world.me if code == "RS" else world.rs
        client.logout()
        client.force_login(user)
        for name, (template, attr, method) in WEB_ID_ROUTES.items():
            key = _web_key(getattr(other, attr))
            missing = "nope-missing" if not key.isdigit() else str(MISSING)
            got = getattr(client, method)(template.format(id=key))
            want = getattr(client, method)(template.format(id=missing))
            assert got.status_code == want.status_code, f"{role} {name}: {got.status_code}"
            assert got.status_code in (302, 404), f"{role} {name}: {got.status_code}"


def test_a_foreign_announcement_reads_as_the_public_one(world, client):
    # Before its time a release is announced to everyone (date, title); another country's
    # staff read exactly the public announcement, never its unreleased indicators.
    me = world.me
    me.embargoed.indicators.add(me.private_indicator)
    path = f"/releases/{me.embargoed.pk}/"
    public = client.get(path)
    assert public.status_code == 200
    assert me.private_indicator.name_en not in public.content.decode()
    for role, user in world.roles.items():
        if country_of(role) != "RS":
            continue
        client.logout()
        client.force_login(user)
        page = client.get(path)
        assert page.status_code == 200, role
        assert me.private_indicator.name_en not in page.content.decode(), role
    client.logout()
    client.force_login(me.users["nsi_manager"])
    assert me.private_indicator.name_en in client.get(path).content.decode()


def test_list_query_counts_do_not_grow_with_a_third_country(world):
    users = [world.rs.users["nsi_manager"], world.rs.users["partner_a"], None]

    def counts() -> dict[tuple[str, int], int]:
        out = {}
        for name, path in list_paths().items():
            for i, user in enumerate(users):
                c = client(user)
                c.get(path)  # warm per-process memos (public version)
                with CaptureQueriesContext(connection) as queries:
                    c.get(path)
                out[(name, i)] = len(queries)
        return out

    before = counts()
    build_country("HR", "Croatia", "DZS")
    build_country("BA", "Bosnia and Herzegovina", "BHAS")
    after = counts()
    grown = {k: (before[k], after[k]) for k in before if after[k] != before[k]}
    assert not grown, f"list query counts changed with more countries: {grown}"


def test_resolver_lists_the_api(world):
    # The route listing the matrix relies on comes from the resolver itself.
    assert get_resolver().reverse("agreement-list") == "api/v1/agreements/"


def test_the_nsi_overview_names_its_country(world, client):
    client.force_login(world.me.users["regional"])
    html = client.get("/nsi/").content.decode()
    assert "NSI overview — Montenegro" in html and "Serbia" not in html


def test_territory_import_writes_into_the_staff_country_only(world):
    csv = b"code,level,parent_code,name_en\nME-X,municipality,ME-C,Somewhere\n"
    me_staff = client(world.me.users["nsi_manager"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("t.csv", csv, content_type="text/csv")
    response = me_staff.post("/api/v1/territories/import/", {"file": upload}, format="multipart")
    assert response.status_code == 200 and response.json()["created"] == 1
    upload = SimpleUploadedFile("t.csv", csv, content_type="text/csv")
    foreign = client(world.rs.users["nsi_manager"]).post(
        "/api/v1/territories/import/", {"file": upload, "country": "ME"}, format="multipart"
    )
    assert foreign.status_code == 403
    from indicators.models import Territory

    assert Territory.objects.get(code="ME-X").country_id == "ME"
