"""Indicators: validated SDG codes and code lists, policy target resolution, catalogue access."""

from __future__ import annotations

import pytest

from ddms_platform.core.errors import DomainError
from indicators import services
from indicators.models import Indicator

BASE = {"code": "NEW", "name_en": "New", "unit": "%", "topic": "mobility"}


def test_nsi_creates_indicator_with_sdg_targets_and_dimensions(world):
    ind = services.indicator_create(
        actor=world.nsi_manager,
        sdg_targets=["11.2.1", "7.1.1", "11.a.1"],
        dimensions={"sex": ["F", "M", "_T"], "age": ["Y0-14", "Y15-64", "_T"]},
        source_organisations=[world.partner_a],
        **BASE,
    )
    assert ind.dimension_ids == ["sex", "age"]
    assert list(ind.source_organisations.all()) == [world.partner_a]


@pytest.mark.parametrize(
    "fields",
    [
        {"sdg_targets": ["11.2.1", "bad"]},
        {"sdg_targets": ["18.1.1"]},
        {"dimensions": {"Sex": ["F"]}},
        {"dimensions": {"sex": []}},
        {"dimensions": {"ref_area": ["X"]}},
        {"decimals": 12},
    ],
)
def test_invalid_indicator_fields_are_rejected(world, fields):
    with pytest.raises(DomainError) as caught:
        services.indicator_create(actor=world.nsi_manager, **{**BASE, **fields})
    assert caught.value.extra["fields"]
    assert not Indicator.objects.exists()


def test_policy_target_code_resolves_to_an_indicator(indicator):
    assert services.indicator_resolve_code(" PT_ACCESS ") == indicator
    with pytest.raises(DomainError) as caught:
        services.indicator_resolve_code("NOPE")
    assert caught.value.code == "unknown_indicator"


def test_partner_cannot_create_indicators(world, api):
    assert api(world.partner_a_user).post("/api/v1/indicators/", BASE).status_code == 403
    assert api(None).post("/api/v1/indicators/", BASE).status_code in (401, 403)
    response = api(world.nsi_manager).post(
        "/api/v1/indicators/", {**BASE, "dimensions": {"sex": ["F", "M"]}}, format="json"
    )
    assert response.status_code == 201, response.json()


def test_catalogue_hides_indicators_without_a_public_release(world, api, indicator):
    assert api(None).get("/api/v1/indicators/").json()["results"] == []
    assert api(None).get("/api/v1/indicators/PT_ACCESS/").status_code == 404
    codes = [i["code"] for i in api(world.nsi_manager).get("/api/v1/indicators/").json()["results"]]
    assert codes == ["PT_ACCESS"]
