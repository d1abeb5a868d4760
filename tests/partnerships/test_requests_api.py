"""The data-request endpoints: create, edit, list scoping, filters, comments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from ddms_platform.core.audit import audit_history
from ddms_platform.notify.models import OutboxEvent
from partnerships.choices import RequestState as S
from partnerships.models import DataRequest, RequestComment, Submission, ValidationRun

from .requests_support import SCHEMA, acquisition, data_need, signed_agreement

pytestmark = pytest.mark.django_db
URL = "/api/v1/data-requests/"


def _payload(world, **extra):
    body = {
        "direction": "acquisition",
        "title": "Electricity consumption by district",
        "purpose": "Energy indicators of the pilot.",
        "legal_basis": "Law on official statistics, art. 27",
        "requester": world.nsi.pk,
        "provider": world.partner_a.pk,
        "agreement": signed_agreement(world).pk,
        "table_schema": SCHEMA,
        "frequency": "monthly",
        "due_on": "2026-12-31",
    }
    body.update(extra)
    return body


def test_nsi_creates_an_acquisition_draft_under_a_signed_agreement(world, api):
    response = api(world.nsi_manager).post(URL, _payload(world), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft" and body["provider_name"] == "Power Company"
    assert body["next_states"] == ["sent", "withdrawn"]
    req = DataRequest.objects.get(pk=body["id"])
    assert audit_history(req).get().action == "data_request.create"


def test_an_invalid_table_schema_is_refused_naming_the_problem(world, api):
    schema = {"fields": [{"name": "year", "type": "integer", "constraints": {"minLength": "x"}}]}
    response = api(world.nsi_manager).post(URL, _payload(world, table_schema=schema), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_schema"
    assert "minLength" in error["fields"]["table_schema"][0]
    assert not DataRequest.objects.exists()


def test_a_schema_that_is_not_an_object_is_refused(world, api):
    response = api(world.nsi_manager).post(
        URL, _payload(world, table_schema=["a", "b"]), format="json"
    )
    assert response.status_code == 400
    assert "JSON object" in response.json()["error"]["message"]


def test_acquisition_needs_a_signed_or_active_agreement(world, api):
    agreement = signed_agreement(world)
    agreement.state = "negotiation"
    agreement.save()
    response = api(world.nsi_manager).post(
        URL, _payload(world, agreement=agreement.pk), format="json"
    )
    assert response.status_code == 400
    assert "signed or active" in response.json()["error"]["fields"]["agreement"][0]


def test_acquisition_provider_must_be_a_party_of_the_agreement(world, api):
    response = api(world.nsi_manager).post(
        URL, _payload(world, provider=world.partner_b.pk), format="json"
    )
    assert response.status_code == 400
    assert "provider" in response.json()["error"]["fields"]


def test_partner_cannot_create_a_request_in_the_nsis_name(world, api):
    response = api(world.partner_a_user).post(URL, _payload(world), format="json")
    assert response.status_code == 403
    assert not DataRequest.objects.exists()


def test_city_states_a_data_need_to_the_nsi(world, api):
    body = _payload(
        world, direction="data_need", requester=world.city.pk, provider=world.nsi.pk, agreement=None
    )
    response = api(world.city_user).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["direction"] == "data_need"


def test_a_partner_cannot_state_a_data_need(world, api):
    body = _payload(
        world,
        direction="data_need",
        requester=world.partner_a.pk,
        provider=world.nsi.pk,
        agreement=None,
    )
    response = api(world.partner_a_user).post(URL, body, format="json")
    assert response.status_code == 400
    assert "requester" in response.json()["error"]["fields"]


def test_requester_edits_a_draft_and_the_schema_is_checked_again(world, api):
    req = acquisition(world)
    client = api(world.nsi_manager)
    ok = client.patch(f"{URL}{req.pk}/", {"title": "New title"}, format="json")
    assert ok.status_code == 200 and ok.json()["title"] == "New title"
    bad = client.patch(f"{URL}{req.pk}/", {"table_schema": {"fields": []}}, format="json")
    assert bad.status_code == 400
    assert DataRequest.objects.get(pk=req.pk).table_schema == SCHEMA


def test_a_sent_request_can_no_longer_be_edited(world, api):
    req = acquisition(world, state=S.SENT)
    response = api(world.nsi_manager).patch(f"{URL}{req.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_editable"


def test_partner_lists_only_requests_of_its_organisation(world, api):
    mine = acquisition(world, state=S.SENT)
    acquisition(world, state=S.SENT, provider=world.partner_b)
    response = api(world.partner_a_user).get(URL)
    assert [r["id"] for r in response.json()["results"]] == [mine.pk]


def test_partner_does_not_see_a_draft_addressed_to_it(world, api):
    draft = acquisition(world)
    assert api(world.partner_a_user).get(URL).json()["count"] == 0
    assert api(world.partner_a_user).get(f"{URL}{draft.pk}/").status_code == 404


def test_partner_gets_404_for_another_organisations_request(world, api):
    other = acquisition(world, state=S.SENT, provider=world.partner_b)
    assert api(world.partner_a_user).get(f"{URL}{other.pk}/").status_code == 404
    assert api(world.partner_a_user).get(f"{URL}{other.pk}/comments/").status_code == 404
    assert api(world.outsider).get(f"{URL}{other.pk}/").status_code == 404


def test_nsi_staff_see_requests_of_every_partner(world, api):
    acquisition(world, state=S.SENT)
    acquisition(world, state=S.SENT, provider=world.partner_b)
    assert api(world.nsi_manager).get(URL).json()["count"] == 2


def test_anonymous_users_are_refused(world, api):
    assert api(None).get(URL).status_code in (401, 403)


def test_list_filters_by_state_direction_provider_and_agreement(world, api):
    sent = acquisition(world, state=S.SENT)
    acquisition(world, state=S.ACKNOWLEDGED, provider=world.partner_b)
    need = data_need(world, state=S.SENT)
    client = api(world.nsi_manager)

    def ids(query: str) -> set[int]:
        return {r["id"] for r in client.get(f"{URL}?{query}").json()["results"]}

    assert ids("state=sent") == {sent.pk, need.pk}
    assert ids("direction=data_need") == {need.pk}
    assert ids(f"provider={world.partner_a.pk}") == {sent.pk}
    assert ids(f"agreement={sent.agreement_id}") == {sent.pk}


def test_overdue_is_derived_from_the_due_date_and_filterable(world, api):
    yesterday = dt.date.today() - dt.timedelta(days=1)
    late = acquisition(world, state=S.SENT, due_on=yesterday)
    acquisition(world, state=S.SENT)  # due in the future
    acquisition(world, state=S.ACCEPTED, due_on=yesterday)  # answered: not overdue
    client = api(world.nsi_manager)
    results = client.get(f"{URL}?overdue=true").json()["results"]
    assert [r["id"] for r in results] == [late.pk]
    assert results[0]["is_overdue"] is True
    assert client.get(f"{URL}?overdue=false").json()["count"] == 2


@pytest.mark.parametrize("rows", [2, 10])
def test_list_query_count_does_not_grow_with_rows(world, api, rows, django_assert_num_queries):
    for _ in range(rows):
        acquisition(world, state=S.SENT)
    client = api(User.objects.get(pk=world.partner_a_user.pk))
    # memberships + count + one page (requester and provider joined)
    with django_assert_num_queries(3):
        response = client.get(URL)
    assert response.json()["count"] == rows


def test_both_sides_talk_in_the_comment_thread(world, api):
    req = acquisition(world, state=S.SENT)
    url = f"{URL}{req.pk}/comments/"
    assert api(world.partner_a_user).post(url, {"body": "Monthly or daily?"}).status_code == 201
    assert api(world.nsi_manager).post(url, {"body": "Monthly <b>please</b>"}).status_code == 201
    thread = api(world.partner_a_user).get(url).json()
    assert [c["body"] for c in thread] == ["Monthly or daily?", "Monthly <b>please</b>"]
    assert OutboxEvent.objects.filter(kind="request.commented").count() == 2


def test_viewer_may_read_but_not_comment(world, api):
    req = acquisition(world, state=S.SENT)
    url = f"{URL}{req.pk}/comments/"
    assert api(world.partner_a_viewer).get(url).status_code == 200
    assert api(world.partner_a_viewer).post(url, {"body": "hello"}).status_code == 403


def test_an_empty_comment_is_refused(world, api):
    req = acquisition(world, state=S.SENT)
    response = api(world.nsi_manager).post(f"{URL}{req.pk}/comments/", {"body": "   "})
    assert response.status_code == 400


@pytest.mark.parametrize("rows", [2, 10])
def test_comment_thread_query_count_does_not_grow(world, api, rows, django_assert_num_queries):
    req = acquisition(world, state=S.SENT)
    for i in range(rows):
        RequestComment.objects.create(request=req, author=world.nsi_manager, body=f"note {i}")
    client = api(User.objects.get(pk=world.partner_a_user.pk))
    # memberships + the request + the comments with their authors
    with django_assert_num_queries(3):
        thread = client.get(f"{URL}{req.pk}/comments/").json()
    assert len(thread) == rows and thread[0]["author_name"] == "nsi"


@pytest.mark.parametrize("rows", [2, 10])
def test_request_submissions_query_count_does_not_grow(world, api, rows, django_assert_num_queries):
    req = acquisition(world, state=S.SUBMITTED)
    for version in range(1, rows + 1):
        sub = Submission.objects.create(
            request=req, version=version, file="f", original_name="f.csv", format="csv",
            size=1, sha256=str(version),
        )  # fmt: skip
        ValidationRun.objects.create(submission=sub)
    client = api(User.objects.get(pk=world.partner_a_user.pk))
    with django_assert_num_queries(3):
        listed = client.get(f"{URL}{req.pk}/submissions/").json()
    assert [s["version"] for s in listed] == list(range(rows, 0, -1))
