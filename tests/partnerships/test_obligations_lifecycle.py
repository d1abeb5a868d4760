"""Agreement lifecycle jobs and the yearly progress self-report, at their thresholds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from ddms_platform.core.models import AuditEntry
from ddms_platform.notify.models import OutboxEvent
from partnerships.models import Agreement
from partnerships.reminders import reminders_record
from partnerships.selectors_obligations import progress_for
from partnerships.services.obligations import (
    agreements_expire,
    periods_generate,
    progress_check,
    progress_report_add,
)
from tests.factories import AgreementFactory
from tests.partnerships.obligations_support import make_deliverable

pytestmark = pytest.mark.django_db


def test_an_agreement_expires_the_day_after_its_end_with_audit_and_notice(
    world, django_capture_on_commit_callbacks
):
    agreement = AgreementFactory(
        nsi=world.nsi, partners=[world.partner_a], state="active", ends_on=dt.date(2026, 6, 30)
    )
    assert agreements_expire(today=dt.date(2026, 6, 30)) == 0  # its last day
    with django_capture_on_commit_callbacks(execute=True):
        assert agreements_expire(today=dt.date(2026, 7, 1)) == 1
    assert agreements_expire(today=dt.date(2026, 7, 2)) == 0
    agreement.refresh_from_db()
    assert agreement.state == "expired"
    entry = AuditEntry.objects.get(action="agreement.transition.expired")
    assert (entry.actor, entry.before, entry.after["state"]) == (
        None,
        {"state": "active"},
        "expired",
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["nsi@example.org", "pa@example.org"]


def test_only_active_agreements_expire(world):
    for state in ("draft", "signed", "suspended", "terminated"):
        AgreementFactory(nsi=world.nsi, state=state, ends_on=dt.date(2026, 1, 1))
    assert agreements_expire(today=dt.date(2026, 7, 1)) == 0


def test_renewal_notices_go_out_at_the_notice_period(world, django_capture_on_commit_callbacks):
    AgreementFactory(
        nsi=world.nsi,
        partners=[world.partner_a],
        state="active",
        ends_on=dt.date(2026, 9, 30),
        renewal_notice_days=30,
    )
    assert reminders_record(today=dt.date(2026, 8, 30))["agreements"] == 0  # 31 days left
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_record(today=dt.date(2026, 8, 31))["agreements"] == 1
    assert OutboxEvent.objects.filter(kind="agreement.ending").count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["nsi@example.org", "pa@example.org"]


def test_an_expired_agreements_deliverable_stops_generating(world):
    deliverable = make_deliverable(world, first_period="2026-05", ends_on=dt.date(2026, 6, 30))
    periods_generate(today=dt.date(2026, 6, 5))
    agreements_expire(today=dt.date(2026, 7, 1))
    assert periods_generate(today=dt.date(2026, 9, 1)) == 0
    assert list(deliverable.data_requests.values_list("period", flat=True).order_by("period")) == [
        "2026-05",
        "2026-06",
    ]


# --- progress: due a year after the last report (or the start); yellow a year after that,
# red (and inactive) two years after it.

START = dt.date(2024, 3, 1)


@pytest.fixture
def partnership(world):
    return AgreementFactory(
        nsi=world.nsi, partners=[world.partner_a], state="active", starts_on=START
    )


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (dt.date(2026, 2, 28), "green"),  # due 2025-03-01, less than a year late
        (dt.date(2026, 3, 1), "yellow"),  # a year late
        (dt.date(2027, 2, 28), "yellow"),
        (dt.date(2027, 3, 1), "red"),  # two years late
    ],
)
def test_progress_status_changes_at_the_thresholds(partnership, today, status):
    assert progress_for(partnership, today=today).status == status


def test_a_report_makes_it_green_and_moves_the_next_due_date(world, partnership):
    progress_report_add(
        agreement=partnership,
        actor=world.partner_a_user,
        summary="Two datasets delivered.",
        reported_on=dt.date(2026, 6, 1),
    )
    progress = progress_for(partnership, today=dt.date(2027, 3, 1))
    assert (progress.status, progress.last_report, progress.due_on) == (
        "green",
        dt.date(2026, 6, 1),
        dt.date(2027, 6, 1),
    )


def test_two_years_late_marks_the_partnership_inactive_once(partnership):
    assert progress_check(today=dt.date(2027, 2, 28)) == 0
    assert progress_check(today=dt.date(2027, 3, 1)) == 1
    assert progress_check(today=dt.date(2027, 3, 2)) == 0
    partnership.refresh_from_db()
    assert partnership.progress_inactive is True
    assert AuditEntry.objects.filter(action="agreement.progress_inactive").count() == 1


def test_reporting_again_makes_an_inactive_partnership_active(world, partnership):
    progress_check(today=dt.date(2027, 3, 1))
    partnership.refresh_from_db()
    progress_report_add(agreement=partnership, actor=world.nsi_manager, summary="Back on track.")
    assert Agreement.objects.get(pk=partnership.pk).progress_inactive is False


def test_an_outsider_cannot_report_progress(world, partnership):
    from ddms_platform.core.errors import DomainError

    with pytest.raises(DomainError):
        progress_report_add(agreement=partnership, actor=world.partner_b_user, summary="Not mine")
