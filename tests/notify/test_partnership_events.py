"""Data-request, validation and agreement events e-mail the right people, in their language."""

from __future__ import annotations

import datetime as dt
from email.header import decode_header, make_header

import pytest
from django.test import override_settings

from ddms_platform.notify.models import Notification
from ddms_platform.notify.services import outbox_record
from partnerships.models import Membership, Submission, ValidationRun
from tests.factories import AgreementFactory, DataRequestFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def record(capture, kind: str, **payload: object) -> None:
    with capture(execute=True):
        outbox_record(kind=kind, payload=payload)


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def html_of(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/html")
    return part.get_payload(decode=True).decode()


def text_of(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


@pytest.fixture
def request_a(world):
    """An acquisition request from the NSI to partner A (partner A also has a manager)."""
    MembershipFactory(
        user=UserFactory(username="pa-manager"), organisation=world.partner_a, role="manager"
    )
    return DataRequestFactory(requester=world.nsi, provider=world.partner_a, state="sent")


def transition(world, capture, request, actor, to: str, **extra: object) -> None:
    record(
        capture,
        "request.transitioned",
        request_id=request.pk,
        actor_id=actor.pk,
        reason=extra.pop("reason", ""),
        **{"from": extra.pop("from_state", "draft"), "to": to},
        **extra,
    )


def test_a_request_sent_by_the_nsi_emails_the_providers_acting_members(
    world, request_a, smtp_sink, django_capture_on_commit_callbacks
):
    transition(world, django_capture_on_commit_callbacks, request_a, world.nsi_manager, "sent")
    # Manager and member of partner A; not its viewer, not partner B, not the NSI actor.
    assert sorted(smtp_sink.handler.recipients()) == ["pa-manager@example.org", "pa@example.org"]
    message = smtp_sink.messages[0]
    assert request_a.title in subject_of(message)
    assert f"/requests/{request_a.pk}/" in text_of(message)


def test_a_providers_move_emails_the_requester_side(
    world, request_a, smtp_sink, django_capture_on_commit_callbacks
):
    transition(
        world,
        django_capture_on_commit_callbacks,
        request_a,
        world.partner_a_user,
        "declined",
        from_state="sent",
        reason="We do not hold <b>these</b> data.",
    )
    assert smtp_sink.handler.recipients() == [world.nsi_manager.email]
    html = html_of(smtp_sink.messages[0])
    assert "&lt;b&gt;these&lt;/b&gt;" in html  # the reason is user text: escaped


def test_the_event_may_name_the_organisation_to_tell(
    world, request_a, smtp_sink, django_capture_on_commit_callbacks
):
    transition(
        world,
        django_capture_on_commit_callbacks,
        request_a,
        world.admin,
        "acknowledged",
        notify_organisation_id=world.nsi.pk,
    )
    assert smtp_sink.handler.recipients() == [world.nsi_manager.email]


def test_each_member_reads_it_in_the_language_of_their_membership(
    world, request_a, smtp_sink, django_capture_on_commit_callbacks
):
    Membership.objects.filter(user=world.partner_a_user).update(language="sr")
    transition(world, django_capture_on_commit_callbacks, request_a, world.nsi_manager, "sent")
    by_to = {m["To"]: html_of(m) for m in smtp_sink.messages}
    assert 'lang="sr"' in by_to["pa@example.org"]
    assert 'lang="en"' in by_to["pa-manager@example.org"]


def test_a_serbian_cyrillic_member_gets_the_transition_in_cyrillic(
    world, request_a, smtp_sink, django_capture_on_commit_callbacks
):
    Membership.objects.filter(user=world.partner_a_user).update(language="sr")
    transition(world, django_capture_on_commit_callbacks, request_a, world.nsi_manager, "sent")
    message = next(m for m in smtp_sink.messages if m["To"] == "pa@example.org")
    assert subject_of(message) == f"Захтев за подацима „{request_a.title}”: Послато"
    assert 'прешао је из стања "Нацрт" у стање "Послато"' in text_of(message)
    assert "прешао је из стања „Нацрт” у стање „Послато”" in html_of(message)
    english = next(m for m in smtp_sink.messages if m["To"] == "pa-manager@example.org")
    assert "moved from" in text_of(english)


def test_a_serbian_latin_uploader_reads_the_validation_result_in_latin(
    world, finished_run, smtp_sink, django_capture_on_commit_callbacks
):
    Membership.objects.filter(user=world.partner_a_user).update(language="sr-latn")
    submission = finished_run.submission
    record(
        django_capture_on_commit_callbacks,
        "validation.finished",
        run_id=finished_run.pk,
        submission_id=submission.pk,
        status="failed",
    )
    message = smtp_sink.messages[0]
    title = submission.request.title
    assert subject_of(message) == f"Vaši podaci za „{title}” imaju greške koje treba ispraviti"
    assert "Redova: 120; grešaka: 7; upozorenja: 3." in text_of(message)
    assert "Pogrešna vrsta vrednosti: 5" in text_of(message)  # the error type, in Latin too
    assert "je završena: Neispravno." in text_of(message)  # the status label, translated


def test_a_transition_is_sent_once_per_person_however_often_it_is_processed(
    world, request_a, smtp_sink, django_capture_on_commit_callbacks
):
    from ddms_platform.notify.models import OutboxEvent
    from ddms_platform.notify.services import event_fan_out

    transition(world, django_capture_on_commit_callbacks, request_a, world.nsi_manager, "sent")
    event = OutboxEvent.objects.get()
    OutboxEvent.objects.filter(pk=event.pk).update(status="dispatched")
    event_fan_out(event_id=event.pk)
    assert len(smtp_sink.messages) == 2
    assert Notification.objects.count() == 2


@pytest.fixture
def finished_run(world, request_a):
    submission = Submission.objects.create(
        request=request_a,
        version=2,
        file="submissions/x.csv",
        original_name="x.csv",
        format="csv",
        size=10,
        sha256="0" * 64,
        uploaded_by=world.partner_a_user,
    )
    return ValidationRun.objects.create(
        submission=submission,
        status="failed",
        report={
            "valid": False,
            "stats": {"rows": 120, "errors": 7, "warnings": 3},
            "error_counts": {"type-error": 5, "missing-cell": 2},
            "errors": [],
            "warnings": [],
        },
    )


@override_settings(SITE_URL="https://ddms.example")
def test_a_finished_validation_emails_the_uploader_with_the_report_link(
    world, finished_run, smtp_sink, django_capture_on_commit_callbacks
):
    submission = finished_run.submission
    record(
        django_capture_on_commit_callbacks,
        "validation.finished",
        run_id=finished_run.pk,
        submission_id=submission.pk,
        request_id=submission.request_id,
        status="failed",
    )
    assert smtp_sink.handler.recipients() == ["pa@example.org"]
    text = text_of(smtp_sink.messages[0])
    assert f"https://ddms.example/submissions/{submission.pk}/" in text
    assert "Wrong kind of value: 5" in text and "Missing cell: 2" in text and "120" in text
    assert "warnings: 3" in text
    assert "errors to fix" in subject_of(smtp_sink.messages[0])


def test_an_agreement_ending_emails_nsi_staff_and_the_partners(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    MembershipFactory(
        user=UserFactory(username="regional"), organisation=world.regional, role="manager"
    )
    agreement = AgreementFactory(
        nsi=world.nsi, partners=[world.partner_a], state="active", ends_on=dt.date(2030, 1, 31)
    )
    record(
        django_capture_on_commit_callbacks,
        "agreement.ending",
        agreement_id=agreement.pk,
        ends_on="2030-01-31",
        days_left=30,
    )
    assert sorted(smtp_sink.handler.recipients()) == [
        "nsi@example.org",
        "pa@example.org",
        "regional@example.org",
    ]
    assert agreement.reference in subject_of(smtp_sink.messages[0])
    assert "2030-01-31" in text_of(smtp_sink.messages[0])


def test_sending_and_acknowledging_through_the_services_tells_the_other_side(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    from partnerships.services.requests import request_acknowledge, request_send

    agreement = AgreementFactory(nsi=world.nsi, partners=[world.partner_a], state="active")
    request = DataRequestFactory(
        requester=world.nsi, provider=world.partner_a, state="draft", agreement=agreement
    )
    with django_capture_on_commit_callbacks(execute=True):
        request = request_send(request=request, actor=world.nsi_manager)
    assert smtp_sink.handler.recipients() == ["pa@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        request_acknowledge(request=request, actor=world.partner_a_user)
    assert smtp_sink.handler.recipients() == ["pa@example.org", "nsi@example.org"]
