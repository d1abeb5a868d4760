"""A comment tells the other side of the request; an upload tells the requester, translated."""

from __future__ import annotations

import pytest
from django.test import override_settings

from partnerships.models import Membership
from partnerships.services.requests import request_comment_add
from partnerships.services.submissions import submission_upload
from tests.factories import MembershipFactory, UserFactory
from tests.partnerships.requests_support import VALID_CSV, acquisition, upload

from .test_partnership_events import html_of, subject_of, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_request(world):
    """A sent acquisition request to partner A, which also has a manager and a viewer."""
    MembershipFactory(
        user=UserFactory(username="pa-manager"), organisation=world.partner_a, role="manager"
    )
    return acquisition(world, state="sent", title="Electricity by district")


def comment(capture, request, actor, body: str) -> None:
    with capture(execute=True):
        request_comment_add(request=request, actor=actor, body=body)


def test_a_partners_comment_emails_the_requester_side_not_the_author(
    world, sent_request, smtp_sink, django_capture_on_commit_callbacks
):
    comment(django_capture_on_commit_callbacks, sent_request, world.partner_a_user, "Which year?")
    assert smtp_sink.handler.recipients() == [world.nsi_manager.email]
    message = smtp_sink.messages[0]
    assert subject_of(message) == "New comment on data request “Electricity by district”"
    assert "Which year?" in text_of(message)
    assert f"/requests/{sent_request.pk}/" in text_of(message)


def test_an_nsi_comment_emails_the_providers_acting_members_only(
    world, sent_request, smtp_sink, django_capture_on_commit_callbacks
):
    comment(django_capture_on_commit_callbacks, sent_request, world.nsi_manager, "2024, please.")
    # Manager and member of partner A; not its viewer, not partner B, not the NSI author.
    assert sorted(smtp_sink.handler.recipients()) == ["pa-manager@example.org", "pa@example.org"]


def test_the_comment_text_is_escaped_in_the_html_part(
    world, sent_request, smtp_sink, django_capture_on_commit_callbacks
):
    body = "<script>alert(1)</script>\nsecond line"
    comment(django_capture_on_commit_callbacks, sent_request, world.partner_a_user, body)
    html = html_of(smtp_sink.messages[0])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>second line" in html


def test_the_comment_text_is_verbatim_in_the_plain_text_part(
    world, sent_request, smtp_sink, django_capture_on_commit_callbacks
):
    body = 'Is "a < b" & c right?'
    comment(django_capture_on_commit_callbacks, sent_request, world.partner_a_user, body)
    message = smtp_sink.messages[0]
    assert body in text_of(message)
    assert "&lt;" not in text_of(message) and "&quot;" not in text_of(message)
    assert "a &lt; b" in html_of(message)


def test_a_comment_reaches_a_cyrillic_reader_in_cyrillic(
    world, sent_request, smtp_sink, django_capture_on_commit_callbacks
):
    Membership.objects.filter(user=world.partner_a_user).update(language="sr")
    comment(django_capture_on_commit_callbacks, sent_request, world.nsi_manager, "2024.")
    message = next(m for m in smtp_sink.messages if m["To"] == "pa@example.org")
    assert subject_of(message) == "Нови коментар на захтев за подацима „Electricity by district”"
    assert "Одговорите у коментарима захтева" in text_of(message)


def upload_as(capture, world, request) -> None:
    with capture(execute=True):
        submission_upload(
            request=request, uploaded_file=upload("data.csv", VALID_CSV), actor=world.partner_a_user
        )


@override_settings(SITE_URL="https://ddms.example")
def test_an_upload_tells_the_requesting_nsi_staff_that_a_new_version_arrived(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    request = acquisition(world, state="acknowledged", title="Electricity by district")
    upload_as(django_capture_on_commit_callbacks, world, request)
    uploaded = [m for m in smtp_sink.messages if "New data for" in subject_of(m)]
    assert [m["To"] for m in uploaded] == [world.nsi_manager.email]
    message = uploaded[0]
    assert subject_of(message) == "New data for “Electricity by district”: version 1"
    submission = request.submissions.get()
    text = text_of(message)
    assert "data.csv" in text and world.partner_a.name in text
    assert f"https://ddms.example/submissions/{submission.pk}/" in text
    # The uploader's side hears of its validation, not of its own upload.
    others = [m for m in smtp_sink.messages if m not in uploaded]
    assert all("New data for" not in subject_of(m) for m in others)
    assert "pa@example.org" not in [m["To"] for m in uploaded]


def test_a_second_upload_is_announced_as_the_next_version_in_the_readers_language(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    Membership.objects.filter(user=world.nsi_manager).update(language="sr-latn")
    request = acquisition(world, state="acknowledged", title="Electricity by district")
    upload_as(django_capture_on_commit_callbacks, world, request)
    request.refresh_from_db()
    request.state = "changes_requested"
    request.save(update_fields=["state"])
    upload_as(django_capture_on_commit_callbacks, world, request)
    subjects = [subject_of(m) for m in smtp_sink.messages if m["To"] == world.nsi_manager.email]
    assert "Novi podaci za „Electricity by district”: verzija 2" in subjects
