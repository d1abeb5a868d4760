"""Jumps judged year on year for sub-annual series; totals across rows along a hierarchy."""

import pytest

from ddms_platform.tabular import report_warnings, validate
from ddms_platform.tabular.plausibility import comparable_periods

SCHEMA = {
    "fields": [
        {"name": "territory"},
        {"name": "month"},
        {"name": "value", "type": "number"},
    ]
}
# Heating: January is high, July low, every year.
PUBLISHED = {
    ("RS-KG", "2025-01"): 900.0,
    ("RS-KG", "2025-06"): 300.0,
    ("RS-KG", "2025-12"): 850.0,
    ("RS-KG", "2026-06"): 310.0,
}


def _jumps(write, text, **options):
    report = validate(
        write(text),
        SCHEMA,
        previous=PUBLISHED,
        previous_keys=["territory"],
        previous_field="value",
        previous_period="month",
        **options,
    )
    assert report["valid"] is True  # warnings never make a file invalid
    return report_warnings(report)


@pytest.mark.parametrize(
    "period,expected",
    [
        ("2026-01", [("2025-01", "year-earlier"), ("2025-12", "previous")]),
        ("2026-07-01", [("2025-07", "year-earlier"), ("2026-06", "previous")]),
        ("2026-Q1", [("2025-Q1", "year-earlier"), ("2025-Q4", "previous")]),
        ("2026", [("2025", "previous")]),
        ("soon", []),
    ],
)
def test_it_compares_a_period_with_the_same_one_a_year_earlier_first(period, expected):
    assert comparable_periods(period) == expected


def test_a_seasonal_series_that_is_normal_year_on_year_gives_no_warning(write):
    # July (300 in June, 310 a month ago) would be a jump against the previous month if
    # January were compared with December; January is compared with January last year.
    assert _jumps(write, "territory,month,value\nRS-KG,2026-01,950\n") == []


def test_a_real_jump_gives_one_warning_naming_the_compared_values(write):
    [warning] = _jumps(write, "territory,month,value\nRS-KG,2026-01,2300\nRS-KG,2026-07,320\n")
    assert (warning["type"], warning["rowNumber"], warning["fieldName"]) == (
        "jump-warning",
        2,
        "value",
    )
    assert warning["values"] == [2300.0] and warning["expected"] == 900.0
    assert (warning["comparedPeriod"], warning["comparison"]) == ("2025-01", "year-earlier")


def test_without_last_year_the_previous_period_is_the_reference(write):
    # July 2026 has no July 2025: June 2026 (310) is the reference
    [warning] = _jumps(write, "territory,month,value\nRS-KG,2026-07,800\n")
    assert (warning["comparedPeriod"], warning["comparison"]) == ("2026-06", "previous")


@pytest.mark.parametrize("value,warned", [(1350, False), (1351, True), (450, False), (449, True)])
def test_the_default_tolerance_is_fifty_percent_either_way(write, value, warned):
    found = _jumps(write, f"territory,month,value\nRS-KG,2026-01,{value}\n")
    assert bool(found) is warned


def test_a_tolerance_per_indicator_replaces_the_default(write):
    assert _jumps(write, "territory,month,value\nRS-KG,2026-01,1200\n", jump_tolerance=0.3) != []
    assert _jumps(write, "territory,month,value\nRS-KG,2026-01,1200\n", jump_tolerance=0.4) == []


HIERARCHY_SCHEMA = {
    "fields": [
        {"name": "territory"},
        {"name": "month"},
        {"name": "sex"},
        {"name": "value", "type": "number"},
    ],
    "x-ddms": {
        "hierarchy": {
            "territory": "territory",
            "value": "value",
            "by": ["month"],
            "dimensions": ["sex"],
            "tolerance": 0.01,
        }
    },
}
CHILDREN = {"RS-KG": ["RS-KG-ST", "RS-KG-AE"]}


def _totals(write, text, chunk_rows=2):
    report = validate(write(text), HIERARCHY_SCHEMA, hierarchy=CHILDREN, chunk_rows=chunk_rows)
    assert report["valid"] is True
    return report_warnings(report)


def test_municipalities_that_add_up_to_the_city_give_no_warning(write):
    text = (
        "territory,month,sex,value\n"
        "RS-KG,2026-01,_T,100\nRS-KG-ST,2026-01,_T,60\nRS-KG-AE,2026-01,_T,40.5\n"
    )
    assert _totals(write, text) == []  # 100.5 is within 1 % of 100


def test_municipalities_that_do_not_add_up_to_the_city_give_one_warning_naming_the_rows(write):
    text = (
        "territory,month,sex,value\n"
        "RS-KG-ST,2026-01,_T,60\nRS-KG,2026-01,_T,120\nRS-KG-AE,2026-01,_T,40\n"
        "RS-KG,2026-02,_T,90\nRS-KG-ST,2026-02,_T,50\nRS-KG-AE,2026-02,_T,40\n"
    )
    [warning] = _totals(write, text)
    assert (warning["type"], warning["rowNumber"]) == ("total-warning", 3)
    assert warning["rowNumbers"] == [3, 2, 4]  # the city's row, then its parts
    assert warning["values"] == [60.0, 40.0] and warning["expected"] == 100.0
    assert warning["cell"] == "120"


def test_a_city_without_all_its_municipalities_is_not_judged(write):
    assert (
        _totals(write, "territory,month,sex,value\nRS-KG,2026-01,_T,120\nRS-KG-ST,2026-01,_T,60\n")
        == []
    )


def test_a_dimension_total_must_be_the_sum_of_its_codes(write):
    text = (
        "territory,month,sex,value\n"
        "RS-KG-ST,2026-01,F,30\nRS-KG-ST,2026-01,M,20\nRS-KG-ST,2026-01,_T,55\n"
        "RS-KG-AE,2026-01,F,10\nRS-KG-AE,2026-01,M,10\nRS-KG-AE,2026-01,_T,20\n"
    )
    [warning] = _totals(write, text)
    assert warning["rowNumber"] == 4 and warning["rowNumbers"] == [4, 2, 3]
    assert warning["expected"] == 50.0
