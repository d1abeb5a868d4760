"""Routes never take a `.json` format suffix: it crashed custom actions with a TypeError."""

import pytest


@pytest.mark.django_db
def test_custom_actions_with_a_format_suffix_are_not_routed(api, world):
    client = api(world.nsi_manager)
    for url in ("/api/v1/agreements/1/history.json", "/api/v1/fulfilment/1.json"):
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_plain_routes_still_answer(api, world):
    assert api(world.nsi_manager).get("/api/v1/agreements/").status_code == 200
