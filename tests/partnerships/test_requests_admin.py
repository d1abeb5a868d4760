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
    assert run.status == RunStatus.PASSED and run.attempts == 2


def test_submissions_cannot_be_added_or_deleted_in_the_admin(admin_client, finished_run):
    sub = Submission.objects.get()
    assert admin_client.get("/admin/partnerships/submission/add/").status_code == 403
    assert admin_client.get(f"/admin/partnerships/submission/{sub.pk}/delete/").status_code == 403
