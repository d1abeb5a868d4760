"""Jump warnings in validation reports compare a file with the indicator's published values."""

from __future__ import annotations

import pytest

from ddms_platform.tabular import report_warnings
from indicators import services
from indicators.plausibility import previous_published_values
from partnerships.services.validation import run_engine
from tests.factories import approved

from .conftest import add_obs

SCHEMA = {
    "fields": [
        {"name": "territory", "type": "string"},
        {"name": "sex", "type": "string"},
        {"name": "value", "type": "number"},
    ],
    "x-ddms": {
        "previous": {
            "indicator": "PT_ACCESS",
            "keys": ["territory", "sex"],
            "dimensions": ["sex"],
            "field": "value",
        }
    },
}


@pytest.fixture
def published(world, geo, indicator):
    add_obs(indicator, geo.m1, "2022", "10", dims={"sex": "F"})
    add_obs(indicator, geo.m1, "2023", "12", dims={"sex": "F"})
    add_obs(indicator, geo.m2, "2023", "40", dims={"sex": "M"})
    pub = services.publication_create(
        actor=world.nsi_manager, series="pt", title="PT", indicators=[indicator], territory=geo.city
    )
    return services.publication_publish(actor=world.nsi_manager, publication=approved(pub))


def test_it_gives_the_latest_public_value_per_series(published):
    values = previous_published_values("PT_ACCESS", ["sex"])
    assert values == {("RS-KG-ST", "F"): 12.0, ("RS-KG-AE", "M"): 40.0}


def test_it_ignores_unpublished_indicators(world, geo, indicator):
    add_obs(indicator, geo.m1, "2023", "12", dims={"sex": "F"})
    assert previous_published_values("PT_ACCESS", ["sex"]) == {}
    assert previous_published_values("NO_SUCH", []) == {}


def test_a_value_far_from_the_published_one_is_a_warning_not_an_error(published, tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("territory,sex,value\nRS-KG-ST,F,600\nRS-KG-AE,M,41\n", encoding="utf-8")
    report = run_engine(path, SCHEMA)
    assert report["valid"] is True
    jumps = [w for w in report_warnings(report) if w["type"] == "jump-warning"]
    assert [w["rowNumber"] for w in jumps] == [2]


def test_a_schema_without_an_indicator_gets_no_jump_check(published, tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("territory,sex,value\nRS-KG-ST,F,600\n", encoding="utf-8")
    schema = {"fields": SCHEMA["fields"]}
    assert report_warnings(run_engine(path, schema)) == []
