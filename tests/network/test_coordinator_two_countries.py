"""The network coordinator in tenancy's two-country world (tests/core/two_countries.py): no
private row of either country in any API list or page, and foreign ids answer as missing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.test_country_tenancy import (
    MISSING,
    _answer,
    _id_routes,
    _key,
    all_patterns,
    client,
    list_paths,
    private_rows,
    rows,
)
from tests.core.two_countries import build_world, marker

from ..factories import CountryFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> Any:
    w = build_world()
    project = CountryFactory(code="EU", name="European project")
    network = OrganisationFactory(name="Network team", kind="network", country=project)
    w.coordinator = MembershipFactory(
        user=UserFactory(username="two-countries-coordinator"), organisation=network
    ).user
    return w


def test_coordinator_lists_no_private_row_of_any_country(world) -> None:
    for name, path in sorted(list_paths().items()):
        private = private_rows(world, path)
        leaked = set(rows(world.coordinator, path)) & (private["RS"] | private["ME"])
        assert not leaked, f"the coordinator lists {len(leaked)} private row(s) of {name}"


def test_coordinator_pages_show_no_private_row(world, client) -> None:
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
    assert "network/" in pages
    client.force_login(world.coordinator)
    for route in pages:
        body = client.get("/" + route).content.decode()
        for code in ("RS", "ME"):
            assert marker(code) not in body, f"the coordinator sees {marker(code)} on /{route}"


def test_coordinator_ids_of_private_rows_answer_as_missing(world) -> None:
    c = client(world.coordinator)
    checked = 0
    for template, name, source in _id_routes():
        path = list_paths()[source]
        public = {
            _key(row, template) for row in set(rows(None, path)) | set(rows(world.outsider, path))
        }
        private = private_rows(world, path)
        keys = {k for row in private["RS"] | private["ME"] if (k := _key(row, template))} - public
        for key in sorted(keys)[:1]:
            missing = "NOPE_MISSING" if not key.isdigit() else MISSING
            got = _answer(c.get(template.format(id=key)))
            want = _answer(c.get(template.format(id=missing)))
            assert got == want, f"coordinator GET {name} {key}: {got}"
            checked += 1
    assert checked > 10
