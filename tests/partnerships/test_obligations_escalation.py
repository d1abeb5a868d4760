"""The escalation ladder: working days with public holidays, stop on action, once per step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from ddms_platform.notify.models import OutboxEvent
from ddms_platform.notify.services import outbox_relay
from partnerships.models import EscalationPolicy, EscalationStep
from partnerships.reminders import reminders_record
from partnerships.services import requests as request_services
from partnerships.services.obligations import escalation_run, periods_generate
from partnerships.working_days import add_working_days
from tests.factories import DataRequestFactory, MembershipFactory, UserFactory
from tests.partnerships.obligations_support import make_deliverable

pytestmark = pytest.mark.django_db

# Serbia's Statehood Day 2026: Sunday 15 and Monday 16 February, observed on Tuesday 17.
DUE = dt.date(2026, 2, 12)  # a Thursday


@pytest.fixture
def ladder(world):
    """Partner A with a manager, the NSI's ladder 3 / 2 / 5 working days, a request due DUE."""
    world.partner_a_manager = MembershipFactory(
        user=UserFactory(username="pa-boss"),
        organisation=world.partner_a,
        role="manager",
        language="sr-latn",
    ).user
    EscalationPolicy.objects.create(
        nsi=world.nsi, reminder_days_before=3, managers_after=2, coordinator_after=5
    )
    world.request = DataRequestFactory(
        requester=world.nsi, provider=world.partner_a, state="sent", due_on=DUE
    )
    return world


def steps(request):
    return list(
        EscalationStep.objects.filter(request=request).order_by("id").values_list("step", "due_on")
    )


def run(day, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return escalation_run(today=day)


def test_working_days_skip_weekends_and_the_countrys_public_holidays():
    assert add_working_days(DUE, 2, "RS") == dt.date(2026, 2, 18)  # 13th, then the 18th
    assert add_working_days(DUE, 2, "GB") == dt.date(2026, 2, 16)  # no holiday there
    assert add_working_days(dt.date(2026, 2, 18), -3, "RS") == dt.date(2026, 2, 11)


def test_the_reminder_comes_n_working_days_before_the_due_date(
    ladder, django_capture_on_commit_callbacks
):
    assert run(dt.date(2026, 2, 8), django_capture_on_commit_callbacks) == 0  # Sunday before
    assert run(dt.date(2026, 2, 9), django_capture_on_commit_callbacks) == 1
    assert steps(ladder.request) == [("reminder", dt.date(2026, 2, 9))]
    assert sorted(m.to[0] for m in mail.outbox) == ["pa-boss@example.org", "pa@example.org"]


def test_a_public_holiday_inside_the_window_shifts_the_managers_step(
    ladder, django_capture_on_commit_callbacks
):
    run(dt.date(2026, 2, 9), django_capture_on_commit_callbacks)
    mail.outbox.clear()
    # Two calendar working days after the 12th would be Monday the 16th: a holiday here.
    for day in (dt.date(2026, 2, 13), dt.date(2026, 2, 16), dt.date(2026, 2, 17)):
        assert run(day, django_capture_on_commit_callbacks) == 0
    assert run(dt.date(2026, 2, 18), django_capture_on_commit_callbacks) == 1
    assert steps(ladder.request)[-1] == ("managers", dt.date(2026, 2, 18))
    assert [m.to for m in mail.outbox] == [["pa-boss@example.org"]]
    # The manager reads it in the language of their membership.
    assert mail.outbox[0].subject.startswith("Kasni od 2026-02-12")


def test_the_coordinator_hears_after_k_working_days_once(
    ladder, django_capture_on_commit_callbacks
):
    coordinator = MembershipFactory(
        user=UserFactory(username="coord"), organisation=ladder.nsi, role="member"
    ).user
    agreement = ladder.request.agreement
    if agreement is None:
        from tests.factories import AgreementFactory

        agreement = AgreementFactory(nsi=ladder.nsi, partners=[ladder.partner_a], state="active")
        ladder.request.agreement = agreement
        ladder.request.save(update_fields=["agreement"])
    agreement.coordinator = coordinator
    agreement.save(update_fields=["coordinator"])
    run(dt.date(2026, 2, 20), django_capture_on_commit_callbacks)  # managers only (late run)
    assert [s for s, _ in steps(ladder.request)] == ["managers"]
    mail.outbox.clear()
    assert run(dt.date(2026, 2, 23), django_capture_on_commit_callbacks) == 1
    assert run(dt.date(2026, 2, 24), django_capture_on_commit_callbacks) == 0
    assert run(dt.date(2026, 2, 24), django_capture_on_commit_callbacks) == 0
    assert [m.to for m in mail.outbox] == [["coord@example.org"]]
    assert OutboxEvent.objects.filter(kind="request.escalated").count() == 2


def test_without_a_coordinator_the_nsis_managers_are_told(
    ladder, django_capture_on_commit_callbacks
):
    run(dt.date(2026, 3, 2), django_capture_on_commit_callbacks)
    assert [s for s, _ in steps(ladder.request)] == ["managers", "coordinator"]
    coordinator_mail = [m.to for m in mail.outbox if "nsi@example.org" in m.to]
    assert coordinator_mail == [["nsi@example.org"]]


@pytest.mark.parametrize("action", ["acknowledge", "comment", "decline"])
def test_the_ladder_stops_as_soon_as_the_partner_acts(
    ladder, django_capture_on_commit_callbacks, action
):
    run(dt.date(2026, 2, 9), django_capture_on_commit_callbacks)
    if action == "acknowledge":
        request_services.request_acknowledge(request=ladder.request, actor=ladder.partner_a_user)
    elif action == "decline":
        request_services.request_decline(
            request=ladder.request, actor=ladder.partner_a_user, reason="No data"
        )
    else:
        request_services.request_comment_add(
            request=ladder.request, actor=ladder.partner_a_user, body="Coming next week."
        )
    assert run(dt.date(2026, 3, 31), django_capture_on_commit_callbacks) == 0
    assert [s for s, _ in steps(ladder.request)] == ["reminder"]


def test_a_comment_from_the_nsi_does_not_stop_the_ladder(
    ladder, django_capture_on_commit_callbacks
):
    request_services.request_comment_add(
        request=ladder.request, actor=ladder.nsi_manager, body="Any news?"
    )
    assert run(dt.date(2026, 2, 18), django_capture_on_commit_callbacks) == 1
    assert [s for s, _ in steps(ladder.request)] == ["managers"]


def test_the_defaults_apply_without_a_policy(world, settings, django_capture_on_commit_callbacks):
    settings.DDMS_ESCALATION_MANAGERS_AFTER = 1
    request = DataRequestFactory(
        requester=world.nsi, provider=world.partner_a, state="sent", due_on=DUE
    )
    assert run(dt.date(2026, 2, 13), django_capture_on_commit_callbacks) == 1
    assert steps(request) == [("managers", dt.date(2026, 2, 13))]


def test_the_daily_job_runs_the_ladder_instead_of_a_daily_overdue_mail(
    ladder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_record(today=dt.date(2026, 2, 19))
        again = reminders_record(today=dt.date(2026, 2, 20))
    assert (first["requests"], again["requests"]) == (1, 0)
    assert not OutboxEvent.objects.filter(
        kind="request.transitioned", payload__to="overdue"
    ).exists()


def test_a_generated_period_tells_the_partner_in_their_language(
    world, django_capture_on_commit_callbacks
):
    world.partner_a_user.memberships.update(language="sr-cyrl")
    make_deliverable(world, first_period="2026-03")
    periods_generate(today=dt.date(2026, 3, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_relay() == 1
    assert [m.to for m in mail.outbox] == [["pa@example.org"]]
    assert mail.outbox[0].subject.startswith("Подаци за 2026-03")
