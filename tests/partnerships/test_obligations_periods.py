"""Period generation: one request per deliverable and period, catching up, within bounds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import IntegrityError

from ddms_platform.core.models import AuditEntry
from ddms_platform.notify.models import OutboxEvent
from partnerships.models import DataRequest
from partnerships.periods import period_due_on, period_index, period_label
from partnerships.reminder_tasks import generate_periods
from partnerships.services.obligations import periods_generate
from tests.partnerships.obligations_support import make_deliverable

pytestmark = pytest.mark.django_db


def periods(deliverable):
    return list(
        DataRequest.objects.filter(deliverable=deliverable)
        .order_by("period")
        .values_list("period", flat=True)
    )


@pytest.mark.parametrize(
    ("frequency", "period", "label_after", "due"),
    [
        ("monthly", "2026-12", "2027-01", dt.date(2027, 1, 15)),
        ("quarterly", "2026-Q4", "2027-Q1", dt.date(2027, 1, 15)),
        ("yearly", "2026", "2027", dt.date(2027, 1, 15)),
    ],
)
def test_periods_are_written_as_sdmx_and_due_after_they_end(frequency, period, label_after, due):
    index = period_index(frequency, period)
    assert period_label(frequency, index) == period
    assert period_label(frequency, index + 1) == label_after
    assert period_due_on(frequency, index, 15) == due


@pytest.mark.parametrize(("frequency", "bad"), [("monthly", "2026-13"), ("quarterly", "2026-3")])
def test_a_malformed_period_is_refused(frequency, bad):
    with pytest.raises(ValueError, match="period"):
        period_index(frequency, bad)


def test_a_period_is_created_on_its_first_day_not_before(world):
    deliverable = make_deliverable(world, first_period="2026-03")
    assert periods_generate(today=dt.date(2026, 2, 28)) == 0
    assert periods_generate(today=dt.date(2026, 3, 1)) == 1
    request = DataRequest.objects.get(deliverable=deliverable)
    assert (request.period, request.due_on, request.state) == (
        "2026-03",
        dt.date(2026, 4, 15),
        "sent",
    )
    assert (request.requester, request.provider) == (world.nsi, world.partner_a)
    assert request.table_schema == deliverable.table_schema
    assert request.title == "Electricity consumption — 2026-03"


def test_running_twice_creates_each_period_once(world):
    deliverable = make_deliverable(world, first_period="2026-01")
    today = dt.date(2026, 3, 10)
    assert periods_generate(today=today) == 3
    assert periods_generate(today=today) == 0
    assert periods(deliverable) == ["2026-01", "2026-02", "2026-03"]
    assert OutboxEvent.objects.filter(kind="request.period_opened").count() == 3
    assert AuditEntry.objects.filter(action="data_request.generate").count() == 3


def test_after_downtime_every_missed_period_is_caught_up(world):
    deliverable = make_deliverable(world, frequency="quarterly", first_period="2025-Q3")
    periods_generate(today=dt.date(2025, 7, 2))
    assert periods(deliverable) == ["2025-Q3"]
    # The beat was down from July to the next May.
    assert periods_generate(today=dt.date(2026, 5, 3)) == 3
    assert periods(deliverable) == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]


def test_the_last_period_is_the_last_one_created(world):
    deliverable = make_deliverable(
        world, frequency="yearly", first_period="2024", last_period="2025"
    )
    periods_generate(today=dt.date(2027, 6, 1))
    assert periods(deliverable) == ["2024", "2025"]


def test_no_period_opens_after_the_agreement_ends(world):
    deliverable = make_deliverable(world, first_period="2026-01", ends_on=dt.date(2026, 2, 10))
    periods_generate(today=dt.date(2026, 6, 1))
    # February opened while the agreement still ran; March did not.
    assert periods(deliverable) == ["2026-01", "2026-02"]


@pytest.mark.parametrize("state", ["draft", "negotiation", "suspended", "expired", "terminated"])
def test_an_agreement_that_is_not_running_generates_nothing(world, state):
    make_deliverable(world, first_period="2026-01", state=state)
    assert periods_generate(today=dt.date(2026, 6, 1)) == 0


def test_an_inactive_deliverable_generates_nothing(world):
    make_deliverable(world, first_period="2026-01", is_active=False)
    assert periods_generate(today=dt.date(2026, 6, 1)) == 0


def test_batches_do_not_change_the_result(world):
    first = make_deliverable(world, first_period="2026-01")
    second = make_deliverable(world, first_period="2026-02", title="Second")
    assert periods_generate(today=dt.date(2026, 3, 5), batch_size=1) == 5
    assert periods(first) == ["2026-01", "2026-02", "2026-03"]
    assert periods(second) == ["2026-02", "2026-03"]


def test_the_database_refuses_a_second_request_for_a_period(world):
    deliverable = make_deliverable(world, first_period="2026-01")
    periods_generate(today=dt.date(2026, 1, 5))
    twin = DataRequest.objects.get(deliverable=deliverable)
    twin.pk = None
    with pytest.raises(IntegrityError):
        twin.save()


def test_generation_takes_a_constant_number_of_queries(world, django_assert_max_num_queries):
    for n in range(5):
        make_deliverable(world, first_period="2025-01", title=f"D{n}")
    # 5 deliverables × 18 months: one candidate read, lock, existing periods, content type,
    # and one insert each for requests, audit entries and events.
    with django_assert_max_num_queries(10):
        assert periods_generate(today=dt.date(2026, 6, 1)) == 90


def test_the_period_job_is_scheduled_and_runs_the_service(world):
    make_deliverable(world, first_period="2020-01", last_period="2020-02")
    entry = settings.CELERY_BEAT_SCHEDULE["partnerships-generate-periods"]
    assert entry["task"] == generate_periods.name == "partnerships.generate_periods"
    assert generate_periods.delay().get() == 2
