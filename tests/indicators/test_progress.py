"""The Open SDG progress measure (Statistics Canada's method) against worked examples.

The examples follow the method's definition (open-sdg docs/progress-methodology.md): CAGR from
the base year, the CAGR needed to reach the target on time, their ratio R and the thresholds
95 % / 60 % / 0; without a target, 1.5 % / 0.5 % / 0. No database.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from indicators import progress as p


def test_it_computes_the_compound_annual_growth_rate():
    assert p.cagr(50, 60, 5) == pytest.approx(1.2**0.2 - 1)
    assert p.cagr(100, 90, 4) == pytest.approx(-0.025996, abs=1e-6)


@pytest.mark.parametrize(
    ("latest", "level", "ratio"),
    [
        (60, p.ON_TRACK_LEVEL, 1.1668),  # 3.71 % a year observed, 3.18 % needed
        (55, p.ACCELERATION_NEEDED, 0.6047),
        (53, p.LIMITED_PROGRESS, 0.3683),
        (48, p.DETERIORATION, -0.2555),
        (80, p.TARGET_ACHIEVED, None),
    ],
)
def test_it_files_an_increasing_target_by_the_ratio(latest, level, ratio):
    result = p.assess(
        [(2015.0, 50.0), (2020.0, float(latest))],
        direction="increase",
        target_value=80,
        target_year=2030,
    )
    assert result.level == level
    if ratio is None:
        assert result.ratio is None
    else:
        assert result.ratio == pytest.approx(ratio, abs=1e-4)
        assert result.required_cagr == pytest.approx(1.6 ** (1 / 15) - 1)


def test_it_flips_the_sign_for_a_decreasing_target():
    result = p.assess(
        [(2015.0, 100.0), (2019.0, 90.0)], direction="decrease", target_value=50, target_year=2030
    )
    # observed -2.60 % a year, needed -4.52 %: R = 0.5757, limited progress
    assert result.ratio == pytest.approx(0.5757, abs=1e-4)
    assert result.level == p.LIMITED_PROGRESS


def test_a_target_met_is_achieved_whatever_the_trend():
    result = p.assess(
        [(2015.0, 40.0), (2016.0, 45.0), (2020.0, 41.0)],
        direction="decrease",
        target_value=42,
        target_year=2030,
    )
    assert result.level == p.TARGET_ACHIEVED


@pytest.mark.parametrize(
    ("ratio", "level"),
    [
        (0.95, p.ON_TRACK_LEVEL),
        (0.9499, p.ACCELERATION_NEEDED),
        (0.60, p.ACCELERATION_NEEDED),
        (0.5999, p.LIMITED_PROGRESS),
        (0.0, p.LIMITED_PROGRESS),
        (-0.0001, p.DETERIORATION),
    ],
)
def test_the_ratio_thresholds_hold_at_their_boundaries(ratio, level):
    assert p.level_for_ratio(ratio) == level


@pytest.mark.parametrize(
    ("rate", "level"),
    [
        (0.015, p.ON_TRACK_LEVEL),
        (0.0149, p.ACCELERATION_NEEDED),
        (0.005, p.ACCELERATION_NEEDED),
        (0.0049, p.LIMITED_PROGRESS),
        (0.0, p.LIMITED_PROGRESS),
        (-0.001, p.DETERIORATION),
    ],
)
def test_without_a_target_the_fixed_rates_decide(rate, level):
    assert p.level_without_target(rate) == level


def test_without_a_target_the_direction_turns_a_fall_into_progress():
    result = p.assess([(2015.0, 100.0), (2020.0, 90.0)], direction="decrease")
    assert result.level == p.ON_TRACK_LEVEL  # -2.1 % a year, desired down
    assert result.observed_cagr == pytest.approx(0.9**0.2 - 1)


def test_the_policy_baseline_is_the_base():
    annual = [(2015.0, 10.0), (2020.0, 60.0), (2022.0, 66.0)]
    result = p.assess(
        annual,
        direction="increase",
        target_value=80,
        target_year=2030,
        base_year=2020,
        base_value=60,
    )
    assert (result.base_year, result.base_value) == (2020, 60)
    assert result.observed_cagr == pytest.approx(1.1**0.5 - 1)


def test_a_zero_base_is_replaced_as_the_method_says():
    result = p.assess([(2015.0, 0.0), (2020.0, 2.0)], direction="increase")
    assert result.observed_cagr == pytest.approx((2 / p.ZERO_REPLACEMENT) ** 0.2 - 1)


@pytest.mark.parametrize(
    ("annual", "reason"),
    [
        ([], "no_data"),
        ([(2020.0, 5.0)], "no_value_after_base_year"),
        ([(2015.0, -5.0), (2020.0, 5.0)], "values_change_sign"),
    ],
)
def test_it_is_unable_to_assess_without_enough_data(annual, reason):
    result = p.assess(annual, direction="increase", target_value=100, target_year=2030)
    assert (result.level, result.reason) == (p.UNABLE, reason)


def test_a_maintain_target_within_the_band_is_achieved_and_leaving_it_is_not():
    inside = p.assess(
        [(2020.0, 305.0), (2024.0, 312.0)], direction="maintain", target_value=310, target_year=2030
    )
    assert inside.level == p.TARGET_ACHIEVED
    away = p.assess(
        [(2020.0, 300.0), (2024.0, 280.0)], direction="maintain", target_value=330, target_year=2030
    )
    assert away.level == p.DETERIORATION


def _monthly(years: range, factor: float, upto: int = 12) -> list[tuple[dt.date, str, float]]:
    """Household electricity with a winter peak, changing by `factor` a year."""
    points = []
    for year in years:
        for month in range(1, 13):
            if year == years[-1] and month > upto:
                break
            season = 1 + 0.32 * math.cos(2 * math.pi * (month - 1) / 12)
            points.append((dt.date(year, month, 1), "M", 180 * season * factor ** (year - 2023)))
    return points


def test_a_monthly_series_is_compared_year_on_year_not_by_season():
    """ELEC_HH: August to December rises with winter, yet each year uses 2 % less."""
    points = _monthly(range(2023, 2025), 0.98)
    assert points[-1][2] > points[-5][2]  # the last five months climb steeply
    annual = p.annual_values(points)
    assert [y for y, _ in annual] == [2023.0, 2024.0]
    assert annual[1][1] / annual[0][1] == pytest.approx(0.98)
    result = p.assess(annual, direction="decrease", target_value=160, target_year=2030)
    assert result.level != p.DETERIORATION
    assert result.level == p.ON_TRACK_LEVEL  # -2 % a year against -1.7 % needed


def test_a_monthly_series_getting_worse_year_on_year_is_deterioration():
    annual = p.annual_values(_monthly(range(2023, 2025), 1.03))
    result = p.assess(annual, direction="decrease", target_value=160, target_year=2030)
    assert result.level == p.DETERIORATION


def test_an_incomplete_last_year_is_stood_for_by_the_last_twelve_months():
    points = _monthly(range(2023, 2026), 0.98, upto=5)
    annual = p.annual_values(points)
    assert [round(y, 4) for y, _ in annual] == [2023.0, 2024.0, round(2025 + 5 / 12 - 1, 4)]
    window = [v for _, _, v in points[-12:]]
    assert annual[-1][1] == pytest.approx(sum(window) / 12)


def test_a_gap_in_the_last_twelve_months_gives_no_rolling_value():
    points = _monthly(range(2023, 2026), 0.98, upto=5)
    del points[-3]
    assert [y for y, _ in p.annual_values(points)] == [2023.0, 2024.0]


def test_annual_sums_when_the_indicator_says_so():
    points = [(dt.date(2024, q * 3 + 1, 1), "Q", 10.0) for q in range(4)]
    assert p.annual_values(points, how="sum") == [(2024.0, 40.0)]
    assert p.annual_values(points, how="mean") == [(2024.0, 10.0)]
