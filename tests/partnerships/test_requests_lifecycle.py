"""The data-request lifecycle: who may move it where, audit entries and events."""

from __future__ import annotations

import pytest

from ddms_platform.core.audit import audit_history
from ddms_platform.core.errors import NotPermitted
from ddms_platform.notify.models import OutboxEvent
from partnerships.choices import RequestState as S
from partnerships.choices import RunStatus
from partnerships.models import DataRequest, RequestComment, Submission, ValidationRun
from partnerships.services import requests as svc

from .requests_support import acquisition, data_need

pytestmark = pytest.mark.django_db


def _url(req: DataRequest, action: str) -> str:
    return f"/api/v1/data-requests/{req.pk}/{action}/"


def _passed_submission(req: DataRequest) -> Submission:
    sub = Submission.objects.create(
        request=req,
        version=1,
        file="x.csv",
        original_name="x.csv",
        format="csv",
        size=1,
        sha256="0",
    )
    ValidationRun.objects.create(submission=sub, status=RunStatus.PASSED, report={"valid": True})
    return sub


def test_nsi_sends_a_draft_and_partner_is_told(world, api):
    req = acquisition(world)
    response = api(world.nsi_manager).post(_url(req, "send"))
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "sent"
    req.refresh_from_db()
    assert req.state == S.SENT and req.sent_at is not None
    event = OutboxEvent.objects.get(kind="request.transitioned")
    assert event.payload == {
        "request_id": req.pk,
        "from": "draft",
        "to": "sent",
        "actor_id": world.nsi_manager.pk,
        "reason": "",
        "notify_organisation_id": world.partner_a.pk,
    }


def test_each_transition_writes_an_audit_entry_with_before_and_after(world):
    req = acquisition(world)
    svc.request_send(request=req, actor=world.nsi_manager)
    svc.request_acknowledge(request=req, actor=world.partner_a_user)
    entries = list(audit_history(req).order_by("id"))
    assert [e.action for e in entries] == ["data_request.sent", "data_request.acknowledged"]
    assert entries[0].before["state"] == "draft" and entries[0].after["state"] == "sent"
    assert entries[1].actor == world.partner_a_user


def test_the_whole_acquisition_lifecycle_runs_to_closed(world):
    req = acquisition(world, state=S.SUBMITTED)
    _passed_submission(req)
    svc.request_changes(request=req, actor=world.nsi_manager, reason="Add February.")
    req.state = S.SUBMITTED
    req.save()
    svc.request_accept(request=req, actor=world.nsi_manager)
    svc.request_close(request=req, actor=world.nsi_manager)
    req.refresh_from_db()
    assert req.state == S.CLOSED and req.accepted_at is not None
    kinds = list(OutboxEvent.objects.values_list("payload__to", flat=True))
    assert kinds == ["changes_requested", "accepted", "closed"]


def test_illegal_transition_answers_400_with_the_allowed_states_and_changes_nothing(world, api):
    req = acquisition(world, state=S.SENT)
    response = api(world.nsi_manager).post(_url(req, "close"))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "illegal_transition"
    assert error["allowed"] == ["acknowledged", "declined", "withdrawn"]
    req.refresh_from_db()
    assert req.state == S.SENT
    assert not OutboxEvent.objects.exists() and not audit_history(req).exists()


def test_partner_cannot_send_or_accept_for_the_nsi(world, api):
    req = acquisition(world, state=S.DRAFT)
    req.state = S.SUBMITTED
    req.save()
    response = api(world.partner_a_user).post(_url(req, "accept"))
    assert response.status_code == 403
    req.refresh_from_db()
    assert req.state == S.SUBMITTED


def test_nsi_cannot_acknowledge_on_the_partners_behalf(world):
    req = acquisition(world, state=S.SENT)
    with pytest.raises(NotPermitted):
        svc.request_acknowledge(request=req, actor=world.nsi_manager)


def test_viewer_of_the_partner_cannot_acknowledge(world, api):
    req = acquisition(world, state=S.SENT)
    response = api(world.partner_a_viewer).post(_url(req, "acknowledge"))
    assert response.status_code == 403
    assert DataRequest.objects.get(pk=req.pk).state == S.SENT


def test_decline_needs_a_reason_and_puts_it_in_the_thread(world, api):
    req = acquisition(world, state=S.SENT)
    client = api(world.partner_a_user)
    missing = client.post(_url(req, "decline"), {"reason": "  "})
    assert missing.status_code == 400
    assert "reason" in missing.json()["error"]["fields"]
    response = client.post(_url(req, "decline"), {"reason": "We do not hold these data."})
    assert response.status_code == 200
    req.refresh_from_db()
    assert req.state == S.DECLINED and req.decline_reason == "We do not hold these data."
    assert RequestComment.objects.get(request=req).body == "We do not hold these data."
    event = OutboxEvent.objects.get(kind="request.transitioned")
    assert event.payload["reason"] == "We do not hold these data."
    assert event.payload["notify_organisation_id"] == world.nsi.pk


def test_request_changes_needs_a_reason(world, api):
    req = acquisition(world, state=S.SUBMITTED)
    response = api(world.nsi_manager).post(_url(req, "request-changes"), {})
    assert response.status_code == 400
    assert DataRequest.objects.get(pk=req.pk).state == S.SUBMITTED


def test_accept_is_refused_unless_the_latest_submission_passed(world, api):
    req = acquisition(world, state=S.SUBMITTED)
    _passed_submission(req)
    failed = Submission.objects.create(
        request=req,
        version=2,
        file="y.csv",
        original_name="y.csv",
        format="csv",
        size=1,
        sha256="1",
    )
    ValidationRun.objects.create(submission=failed, status=RunStatus.FAILED)
    response = api(world.nsi_manager).post(_url(req, "accept"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_not_passed"
    assert "'failed'" in response.json()["error"]["message"]
    assert DataRequest.objects.get(pk=req.pk).state == S.SUBMITTED


@pytest.mark.parametrize("state", [S.DRAFT, S.SENT, S.ACKNOWLEDGED, S.CHANGES_REQUESTED])
def test_requester_may_withdraw_an_unanswered_request(world, state):
    req = acquisition(world, state=state)
    svc.request_withdraw(request=req, actor=world.nsi_manager)
    assert DataRequest.objects.get(pk=req.pk).state == S.WITHDRAWN


@pytest.mark.parametrize("state", [S.SUBMITTED, S.ACCEPTED, S.CLOSED, S.DECLINED])
def test_withdrawing_after_an_answer_is_illegal(world, api, state):
    req = acquisition(world, state=state)
    response = api(world.nsi_manager).post(_url(req, "withdraw"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "illegal_transition"


def test_partner_cannot_withdraw_the_nsis_request(world, api):
    req = acquisition(world, state=S.SENT)
    assert api(world.partner_a_user).post(_url(req, "withdraw")).status_code == 403


def test_other_partner_gets_404_on_a_transition(world, api):
    req = acquisition(world, state=S.SENT)
    assert api(world.partner_b_user).post(_url(req, "acknowledge")).status_code == 404
    assert DataRequest.objects.get(pk=req.pk).state == S.SENT


def test_city_sends_a_data_need_and_the_nsi_acknowledges(world, api):
    req = data_need(world)
    assert api(world.city_user).post(_url(req, "send")).status_code == 200
    response = api(world.nsi_manager).post(_url(req, "acknowledge"))
    assert response.status_code == 200 and response.json()["state"] == "acknowledged"
    # the city may not acknowledge its own need
    other = data_need(world, state=S.SENT)
    assert api(world.city_user).post(_url(other, "acknowledge")).status_code == 403


def test_a_request_cannot_be_sent_once_its_agreement_is_suspended(world, api):
    req = acquisition(world)
    req.agreement.state = "suspended"
    req.agreement.save()
    response = api(world.nsi_manager).post(_url(req, "send"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "agreement_not_usable"
    assert DataRequest.objects.get(pk=req.pk).state == S.DRAFT


@pytest.mark.parametrize(
    ("action", "state", "wrong_side"),
    [
        ("send", S.DRAFT, "partner_a_user"),
        ("acknowledge", S.SENT, "nsi_manager"),
        ("decline", S.SENT, "nsi_manager"),
        ("request-changes", S.SUBMITTED, "partner_a_user"),
        ("accept", S.SUBMITTED, "partner_a_user"),
        ("close", S.ACCEPTED, "partner_a_user"),
        ("withdraw", S.SENT, "partner_a_user"),
    ],
)
def test_each_transition_is_refused_to_the_wrong_side_and_hidden_from_others(
    world, api, action, state, wrong_side
):
    req = acquisition(world, state=state)
    body = {"reason": "because"}
    wrong = api(getattr(world, wrong_side)).post(_url(req, action), body)
    if state == S.DRAFT and wrong_side.startswith("partner"):
        assert wrong.status_code == 404  # the partner does not see a draft at all
    else:
        assert wrong.status_code == 403
    assert api(world.partner_b_user).post(_url(req, action), body).status_code == 404
    assert api(world.outsider).post(_url(req, action), body).status_code == 404
    assert DataRequest.objects.get(pk=req.pk).state == state
    assert not OutboxEvent.objects.exists()


def test_partner_cannot_edit_the_nsis_request(world, api):
    req = acquisition(world, state=S.SENT)
    url = f"/api/v1/data-requests/{req.pk}/"
    assert api(world.partner_a_user).patch(url, {"title": "x"}, format="json").status_code == 403
    assert api(world.partner_b_user).patch(url, {"title": "x"}, format="json").status_code == 404
