"""Back-office pages of requests, submissions and validation runs."""

from __future__ import annotations

import pytest
from django.test import Client

from partnerships.choices import RequestState as S
from partnerships.choices import RunStatus
from partnerships.models import Submission, ValidationRun

from .requests_support import VALID_CSV, acquisition, private_media, upload  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


@pytest.fixture
def finished_run(world, api, django_capture_on_commit_callbacks):
    req = acquisition(world, state=S.ACKNOWLEDGED)
    with django_capture_on_commit_callbacks(execute=True):
        api(world.partner_a_user).post(
            f"/api/v1/data-requests/{req.pk}/submissions/",
            {"file": upload("a.csv", VALID_CSV)},
            format="multipart",
        )
    return ValidationRun.objects.get(submission__request=req)


@pytest.fixture
def admin_client(world):
    client = Client()
    client.force_login(world.admin)
    return client


def test_admin_pages_of_requests_submissions_and_runs_render(admin_client, finished_run):
    sub = finished_run.submission
    pages = [
        "/admin/partnerships/datarequest/",
        f"/admin/partnerships/datarequest/{sub.request_id}/change/",
        "/admin/partnerships/submission/",
        f"/admin/partnerships/submission/{sub.pk}/change/",
        "/admin/partnerships/validationrun/?status=passed",
        f"/admin/partnerships/validationrun/{finished_run.pk}/change/",
    ]
    for page in pages:
        assert admin_client.get(page).status_code == 200, page
    detail = admin_client.get(f"/admin/partnerships/submission/{sub.pk}/change/")
    assert f"/api/v1/submissions/{sub.pk}/download/".encode() in detail.content


def test_admin_reruns_a_validation_through_the_service(
    admin_client, finished_run, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/partnerships/validationrun/",
            {"action": "rerun", "_selected_action": [finished_run.pk]},
        )
    assert response.status_code == 302
    run = ValidationRun.objects.get(pk=finished_run.pk)
    assert (
        run.status == RunStatus.PASSED and run.attempts == 1
    )  # a re-run counts its attempts afresh


def test_submissions_cannot_be_added_or_deleted_in_the_admin(admin_client, finished_run):
    sub = Submission.objects.get()
    assert admin_client.get("/admin/partnerships/submission/add/").status_code == 403
    assert admin_client.get(f"/admin/partnerships/submission/{sub.pk}/delete/").status_code == 403


def test_admin_creates_a_request_through_the_service_with_an_audit_entry(admin_client, world):
    import json

    from ddms_platform.core.audit import audit_history
    from partnerships.models import DataRequest

    from .requests_support import SCHEMA, signed_agreement

    form = {
        "direction": "acquisition",
        "title": "Water use",
        "purpose": "Pilot indicator 6.4.1",
        "legal_basis": "",
        "requester": world.nsi.pk,
        "provider": world.partner_a.pk,
        "agreement": signed_agreement(world).pk,
        "table_schema": json.dumps(SCHEMA),
        "frequency": "yearly",
        "due_on": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "submissions-TOTAL_FORMS": "0",
        "submissions-INITIAL_FORMS": "0",
    }
    response = admin_client.post("/admin/partnerships/datarequest/add/", form)
    assert response.status_code == 302, response.content[:2000]
    req = DataRequest.objects.get(title="Water use")
    assert audit_history(req).get().action == "data_request.create"

    bad = dict(form, title="Broken", table_schema=json.dumps({"fields": "no"}))
    response = admin_client.post("/admin/partnerships/datarequest/add/", bad)
    assert response.status_code == 200 and b"fields" in response.content
    assert not DataRequest.objects.filter(title="Broken").exists()
