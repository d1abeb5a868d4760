"""A request's Table Schema generated from an indicator, and its plausibility checks at work."""

from __future__ import annotations

import copy

import pytest
from django.test import Client

from ddms_platform.tabular import report_warnings
from indicators import services
from indicators.request_schemas import indicator_table_schema
from partnerships.plausibility import previous_values_options
from partnerships.services.validation import run_engine

from .conftest import add_obs

pytestmark = pytest.mark.django_db

HAND_WRITTEN = {
    "fields": [
        {
            "name": "territory",
            "title": "Territory (municipality)",
            "description": "Territory code of a municipality",
            "type": "string",
            "constraints": {"required": True},
        },
        {
            "name": "period",
            "title": "Month",
            "type": "string",
            "constraints": {"required": True, "pattern": r"^\d{4}-(0[1-9]|1[0-2])$"},
        },
        {"name": "sex", "title": "Sex", "type": "string", "constraints": {"required": True}},
        {
            "name": "value",
            "title": "Access to public transport (%)",
            "description": "Value in %",
            "type": "number",
            "constraints": {"required": True},
        },
    ],
    "primaryKey": ["territory", "period", "sex"],
    "foreignKeys": [
        {
            "fields": "territory",
            "reference": {"resource": "ddms:territories:RS-KG:municipality", "fields": "code"},
        },
        {
            "fields": "sex",
            # one NSI's indicator: ddms:dimension:<AGENCY>:<INDICATOR>:<DIM> (codes are per NSI)
            "reference": {"resource": "ddms:dimension:{agency}:PT_ACCESS:sex", "fields": "code"},
        },
    ],
    "x-ddms": {
        "previous": {
            "indicator": "PT_ACCESS",
            "keys": ["territory", "sex"],
            "dimensions": ["sex"],
            "field": "value",
            "period": "period",
        },
        "hierarchy": {
            "territory": "territory",
            "value": "value",
            "by": ["period"],
            "dimensions": ["sex"],
        },
    },
}


@pytest.fixture
def named(indicator):
    indicator.name_en, indicator.unit = "Access to public transport", "%"
    indicator.save()
    return indicator


def hand_written(indicator):
    """HAND_WRITTEN with the owner NSI's agency in the dimension's code list."""
    expected = copy.deepcopy(HAND_WRITTEN)
    reference = expected["foreignKeys"][1]["reference"]
    reference["resource"] = reference["resource"].format(agency=indicator.owner.agency_id)
    return expected


def test_the_generated_schema_equals_the_hand_written_one(geo, named):
    schema = indicator_table_schema(named, root=geo.city, level="municipality", period_type="M")
    assert schema == hand_written(named)


def test_the_period_type_defaults_to_that_of_the_indicators_data(geo, named):
    add_obs(named, geo.m1, "2025-Q1", "10")
    schema = indicator_table_schema(named)
    assert schema["fields"][1]["constraints"]["pattern"] == r"^\d{4}-Q[1-4]$"
    assert schema["foreignKeys"][0]["reference"]["resource"] == "ddms:territories"


def test_the_level_code_list_holds_only_that_level(geo, named):
    from partnerships.references import references_for

    keys = references_for(HAND_WRITTEN)["ddms:territories:RS-KG:municipality"]
    assert keys == {("RS-KG-ST",), ("RS-KG-AE",)}


def test_a_request_starts_from_an_indicator(world, geo, named):
    client = Client()
    client.force_login(world.nsi_manager)
    url = "/nsi/requests/new/?indicator=PT_ACCESS&root=RS-KG&level=municipality&period=M"
    html = client.get(url).content.decode()
    sex = f"ddms:dimension:{named.owner.agency_id}:PT_ACCESS:sex"
    assert "ddms:territories:RS-KG:municipality" in html and sex in html
    assert client.get("/nsi/requests/new/?indicator=NOPE").status_code == 200


@pytest.fixture
def monthly(world, geo, named, nsi_approver):
    """Published January and June 2025 values of the city and its two municipalities."""
    for territory, jan, jun in ((geo.city, 100, 40), (geo.m1, 60, 25), (geo.m2, 40, 15)):
        add_obs(named, territory, "2025-01", jan)
        add_obs(named, territory, "2025-06", jun)
    pub = services.publication_create(
        actor=world.nsi_manager, series="pt", title="PT", indicators=[named], territory=geo.city
    )
    services.publication_approve(actor=nsi_approver, publication=pub)  # four eyes
    return services.publication_publish(actor=world.nsi_manager, publication=pub)


def _schema(geo, named):
    return indicator_table_schema(named, root=geo.city, period_type="M")


def test_a_seasonal_file_normal_year_on_year_has_no_warning(monthly, geo, named, tmp_path):
    path = tmp_path / "jan.csv"
    path.write_text(
        "territory,period,sex,value\nRS-KG,2026-01,_T,104\nRS-KG-ST,2026-01,_T,62\nRS-KG-AE,2026-01,_T,42\n"
    )
    report = run_engine(path, _schema(geo, named))
    assert report["valid"] is True, report
    assert report_warnings(report) == []  # January judged against January 2025, not June


def test_a_jump_and_municipalities_not_adding_up_are_warned(monthly, geo, named, tmp_path):
    path = tmp_path / "jan.csv"
    path.write_text(
        "territory,period,sex,value\nRS-KG,2026-01,_T,300\nRS-KG-ST,2026-01,_T,62\nRS-KG-AE,2026-01,_T,42\n"
    )
    report = run_engine(path, _schema(geo, named))
    assert report["valid"] is True
    found = {(w["type"], w["rowNumber"]) for w in report_warnings(report)}
    assert found == {("jump-warning", 2), ("total-warning", 2)}
    total = next(w for w in report_warnings(report) if w["type"] == "total-warning")
    assert total["rowNumbers"] == [2, 3, 4] and total["expected"] == 104.0


def test_the_tolerance_comes_from_the_indicator_then_the_setting(geo, named, settings):
    schema = _schema(geo, named)
    assert previous_values_options(schema)["jump_tolerance"] == 0.5
    settings.DDMS_PLAUSIBILITY_TOLERANCE = 0.2
    assert previous_values_options(schema)["jump_tolerance"] == 0.2
    named.jump_tolerance = 0.1
    named.save()
    assert previous_values_options(schema)["jump_tolerance"] == 0.1
    schema["x-ddms"]["previous"]["tolerance"] = 0.05
    assert previous_values_options(schema)["jump_tolerance"] == 0.05
