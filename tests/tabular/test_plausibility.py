"""Plausibility warnings never make a file invalid and name the row."""

from ddms_platform.tabular import report_warnings, validate

SCHEMA = {
    "fields": [
        {"name": "territory"},
        {"name": "year", "type": "year"},
        {"name": "value", "type": "number"},
    ]
}


def test_it_warns_when_a_value_jumps_against_the_previous_release(write):
    previous = {("UA01", "2023"): 100, ("UA02", "2023"): 50, ("UA03", "2023"): 10}
    path = write("territory,year,value\nUA01,2023,1200\nUA02,2023,55\nUA03,2023,0.5\nUA04,2023,9\n")
    report = validate(
        path, SCHEMA, previous=previous, previous_keys=["territory", "year"], previous_field="value"
    )
    assert report["valid"] is True
    assert [(w["type"], w["rowNumber"], w["fieldName"]) for w in report_warnings(report)] == [
        ("jump-warning", 2, "value"),
        ("jump-warning", 4, "value"),
    ]
    assert report["warning_counts"] == {"jump-warning": 2}


def test_it_respects_the_jump_tolerance(write):
    path = write("territory,year,value\nUA01,2023,300\n")
    report = validate(
        path,
        SCHEMA,
        previous={("UA01", "2023"): 100},
        previous_keys=["territory", "year"],
        previous_field="value",
        jump_tolerance=1.0,
    )
    assert len(report_warnings(report)) == 1


def test_it_warns_when_a_total_is_not_the_sum_of_its_parts(write):
    schema = {
        "fields": [
            {"name": "men", "type": "integer"},
            {"name": "women", "type": "integer"},
            {"name": "total", "type": "integer"},
        ],
        "x-ddms": {"totals": [{"total": "total", "parts": ["men", "women"]}]},
    }
    report = validate(write("men,women,total\n1,2,3\n4,5,10\n,5,5\n"), schema)
    assert report["valid"] is True
    assert [(w["type"], w["rowNumber"]) for w in report_warnings(report)] == [("total-warning", 3)]
    assert "10 differs from men + women = 9" in report_warnings(report)[0]["message"]


def test_it_takes_the_previous_value_settings_from_the_schema(write):
    schema = {**SCHEMA, "x-ddms": {"previous": {"keys": ["territory", "year"], "field": "value"}}}
    report = validate(
        write("territory,year,value\nUA01,2023,5000\n"), schema, previous={("UA01", "2023"): 100}
    )
    assert report["warning_counts"] == {"jump-warning": 1}


def test_it_refuses_previous_values_without_key_columns(write):
    import pytest

    from ddms_platform.tabular import SchemaError

    with pytest.raises(SchemaError, match="previous_keys"):
        validate(
            write("territory,year,value\nUA01,2023,5\n"), SCHEMA, previous={("UA01", "2023"): 1}
        )
