"""Completeness and timeliness per period, against a hand-counted fixture.

Monthly deliverable of partner A from 2026-01, counted on 2026-07-20 (due the 15th after):
  01 on time (passed first) · 02 late (failed, then passed) · 03 on the due day (passed)
  04 missing · 05 on time (failed first) · 06 missing · 07 pending (due 15 August)
  → expected 6, delivered 4, on time 3, late 1, missing 2, pending 1, first try 2 of 4.
Quarterly deliverable of partner B from 2026-Q1:
  Q1 on time (passed) · Q2 late (not validated yet) · Q3 opened on 1 July (pending)
  → expected 2, delivered 2, on time 1, late 1, pending 1, first try 1 of 1.
"""

from __future__ import annotations

import pytest

from partnerships.selectors_obligations import completeness, completeness_light
from tests.factories import DataRequestFactory
from tests.partnerships.obligations_support import completeness_fixture

pytestmark = pytest.mark.django_db


def figures(record):
    return (
        record.expected,
        record.delivered,
        record.on_time,
        record.late,
        record.missing,
        record.pending,
        record.validated_first_try,
    )


def test_per_deliverable_figures_match_the_hand_count(world):
    monthly, quarterly, today = completeness_fixture(world)
    records = {r.key: r for r in completeness(world.nsi_manager, today=today)}
    assert figures(records[monthly.pk]) == (6, 4, 3, 1, 2, 1, 2)
    assert (
        records[monthly.pk].completeness_rate,
        records[monthly.pk].timeliness_rate,
        records[monthly.pk].first_try_rate,
    ) == (0.667, 0.5, 0.5)
    assert records[monthly.pk].light == "amber"
    assert figures(records[quarterly.pk]) == (2, 2, 1, 1, 0, 1, 1)
    assert (records[quarterly.pk].completeness_rate, records[quarterly.pk].timeliness_rate) == (
        1.0,
        0.5,
    )


def test_rates_by_partner_and_by_nsi(world):
    _m, _q, today = completeness_fixture(world)
    by_partner = {
        r.label: figures(r) for r in completeness(world.nsi_manager, group="partner", today=today)
    }
    assert by_partner == {
        "Power Company": (6, 4, 3, 1, 2, 1, 2),
        "University": (2, 2, 1, 1, 0, 1, 1),
    }
    [nsi] = completeness(world.nsi_manager, group="nsi", today=today)
    assert (nsi.label, figures(nsi)) == ("Statistical Office", (8, 6, 4, 2, 2, 2, 3))
    assert (nsi.completeness_rate, nsi.timeliness_rate) == (0.75, 0.5)
    by_agreement = completeness(world.nsi_manager, group="agreement", today=today)
    assert sorted(r.expected for r in by_agreement) == [2, 6]


def test_a_partner_counts_only_its_own_periods(world):
    _m, _q, today = completeness_fixture(world)
    [own] = completeness(world.partner_a_user, group="partner", today=today)
    assert own.label == "Power Company"
    assert completeness(world.outsider, today=today) == []


def test_one_off_and_withdrawn_requests_do_not_count(world):
    monthly, _q, today = completeness_fixture(world)
    DataRequestFactory(requester=world.nsi, provider=world.partner_a, state="sent")
    monthly.data_requests.filter(period="2026-04").update(state="withdrawn")
    record = {r.key: r for r in completeness(world.nsi_manager, today=today)}[monthly.pk]
    assert (record.expected, record.missing) == (5, 1)


@pytest.mark.parametrize(
    ("completeness_rate", "timeliness", "light"),
    [
        (None, None, "grey"),
        (0.9, 0.8, "green"),  # both at the green thresholds
        (0.899, 0.8, "amber"),
        (0.9, 0.799, "amber"),
        (0.6, 0.5, "amber"),  # at the red thresholds: not red yet
        (0.599, 0.9, "red"),
        (1.0, 0.499, "red"),
    ],
)
def test_the_traffic_light_at_its_thresholds(completeness_rate, timeliness, light):
    assert completeness_light(completeness_rate, timeliness)[0] == light


def test_the_thresholds_come_from_settings(settings):
    settings.DDMS_COMPLETENESS_GREEN = 50
    settings.DDMS_TIMELINESS_GREEN = 50
    settings.DDMS_COMPLETENESS_RED = 40
    settings.DDMS_TIMELINESS_RED = 40
    assert completeness_light(0.5, 0.5)[0] == "green"


def test_the_completeness_figures_take_one_query(world, django_assert_num_queries):
    _m, _q, today = completeness_fixture(world)
    # The user's memberships (scoping), then the figures, whatever the number of periods.
    with django_assert_num_queries(2):
        completeness(world.nsi_manager, group="nsi", today=today)
