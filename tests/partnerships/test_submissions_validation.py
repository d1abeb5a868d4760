"""Validation of submissions (eager), reports as JSON and CSV, downloads, and exactly-once runs."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.utils import timezone

from ddms_platform.notify.models import OutboxEvent
from ddms_platform.tabular import report_errors
from partnerships.choices import RequestState as S
from partnerships.choices import RunStatus
from partnerships.models import Submission, ValidationRun
from partnerships.services.validation import validation_run_execute, validation_run_rerun

from .requests_support import (
    INVALID_CSV,
    VALID_CSV,
    acquisition,
    private_media,  # noqa: F401 - fixture
    replace_member,
    upload,
    xlsx_bytes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]
HEADER = "district,month,consumption_mwh,customers\n"


@pytest.fixture
def submit(world, api, django_capture_on_commit_callbacks):
    """Upload `content` for a fresh acknowledged request and let validation run (eagerly)."""

    def run(content: bytes, name: str = "data.csv", **request_extra) -> Submission:
        req = acquisition(world, state=S.ACKNOWLEDGED, **request_extra)
        url = f"/api/v1/data-requests/{req.pk}/submissions/"
        uploader = world.partner_b_user if req.provider == world.partner_b else world.partner_a_user
        with django_capture_on_commit_callbacks(execute=True):
            response = api(uploader).post(url, {"file": upload(name, content)}, format="multipart")
        assert response.status_code == 201, response.json()
        return Submission.objects.select_related("validation_run").get(pk=response.json()["id"])

    return run


def test_a_valid_file_passes_and_its_report_is_served(submit, world, api):
    sub = submit(VALID_CSV)
    run = sub.validation_run
    assert run.status == RunStatus.PASSED and run.rows_done == 3 and run.attempts == 1
    assert run.started_at <= run.finished_at
    detail = api(world.partner_a_user).get(f"/api/v1/submissions/{sub.pk}/").json()
    assert detail["validation"]["status"] == "passed" and detail["validation"]["valid"] is True
    assert detail["encoding"] == "utf-8" and len(detail["sha256"]) == 64
    report = api(world.nsi_manager).get(f"/api/v1/submissions/{sub.pk}/report/").json()
    assert report["valid"] is True and report["stats"]["rows"] == 3


def test_an_invalid_file_fails_with_row_and_column_in_the_report(submit, world, api):
    sub = submit(INVALID_CSV)
    assert sub.validation_run.status == RunStatus.FAILED
    report = api(world.partner_a_user).get(f"/api/v1/submissions/{sub.pk}/report/").json()
    assert report["error_counts"] == {"constraint-error": 1, "primary-key": 1, "type-error": 2}
    first = report_errors(report)[0]
    assert (first["type"], first["rowNumber"], first["fieldName"]) == ("type-error", 3, "month")


def test_validation_finished_is_recorded_once_for_the_other_side(submit):
    sub = submit(INVALID_CSV)
    event = OutboxEvent.objects.get(kind="validation.finished")
    assert event.payload["status"] == "failed"
    assert event.payload["submission_id"] == sub.pk


def test_running_a_finished_run_again_changes_nothing(submit):
    sub = submit(INVALID_CSV)
    before = ValidationRun.objects.get(pk=sub.validation_run.pk)
    again = validation_run_execute(run_id=before.pk)
    assert again.report == before.report and again.attempts == 1
    assert again.finished_at == before.finished_at
    assert OutboxEvent.objects.filter(kind="validation.finished").count() == 1


def expired_heartbeat() -> dt.datetime:  # noqa: N802 - reads as a constant in the updates below
    """A heartbeat older than the lease: its worker is gone."""
    return timezone.now() - dt.timedelta(seconds=settings.DDMS_JOB_LEASE_SECONDS + 1)


def test_a_run_left_running_by_a_dead_worker_is_run_again_once(submit):
    sub = submit(VALID_CSV)
    run = sub.validation_run
    first_report = run.report
    # What a worker killed mid-run leaves behind: running, its lease expired.
    ValidationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING,
        report=None,
        finished_at=None,
        rows_done=2,
        heartbeat_at=expired_heartbeat(),
    )
    OutboxEvent.objects.filter(kind="validation.finished").delete()
    again = validation_run_execute(run_id=run.pk)
    assert again.status == RunStatus.PASSED and again.attempts == 2
    assert again.report == first_report
    validation_run_execute(run_id=run.pk)
    assert OutboxEvent.objects.filter(kind="validation.finished").count() == 1


def test_a_redelivery_while_a_live_worker_runs_the_job_changes_nothing(submit):
    sub = submit(VALID_CSV)
    run = sub.validation_run
    # Another worker holds the lease (renewed moments ago), on another machine.
    ValidationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, report=None, heartbeat_at=timezone.now(), worker="elsewhere:1:x"
    )
    again = validation_run_execute(run_id=run.pk)
    assert (again.status, again.attempts, again.report) == (RunStatus.RUNNING, 1, None)


def test_a_redelivery_after_the_holder_on_this_machine_died_runs_at_once(submit):
    import subprocess

    from ddms_platform.core.jobs import HOST

    sub = submit(VALID_CSV)
    run = sub.validation_run
    gone = subprocess.Popen(["true"])
    gone.wait()  # a pool process that no longer exists, its lease still fresh
    ValidationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING,
        report=None,
        heartbeat_at=timezone.now(),
        worker=f"{HOST}:{gone.pid}:x",
    )
    again = validation_run_execute(run_id=run.pk)
    assert (again.status, again.attempts) == (RunStatus.PASSED, 2)


def test_a_missing_stored_file_ends_in_error_with_a_clear_message(submit):
    sub = submit(VALID_CSV)
    run = sub.validation_run
    sub.file.storage.delete(sub.file.name)
    ValidationRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED, report=None)
    run = validation_run_execute(run_id=run.pk)
    assert run.status == RunStatus.ERROR
    assert run.last_error.startswith("The stored file cannot be read")


def test_report_is_not_ready_while_the_run_is_queued(submit, world, api):
    sub = submit(VALID_CSV)
    ValidationRun.objects.filter(pk=sub.validation_run.pk).update(status=RunStatus.QUEUED)
    response = api(world.partner_a_user).get(f"/api/v1/submissions/{sub.pk}/report/")
    assert response.status_code == 409
    assert response.json()["error"]["run_status"] == "queued"


def test_report_csv_lists_errors_and_neutralises_formulas(submit, world, api):
    content = (HEADER + '=HYPERLINK("http://evil"),2026-01-01,+1,@SUM(A1)\n').encode()
    sub = submit(content)
    response = api(world.partner_a_user).get(f"/api/v1/submissions/{sub.pk}/report.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["severity", "type", "rowNumber"]
    cells = [cell for row in rows[1:] for cell in row]
    assert "'@SUM(A1)" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_download_returns_the_original_bytes_to_both_sides(submit, world, api):
    content = "district,month,consumption_mwh,customers\nЦентар,2026-01-01,1,2\n".encode("cp1251")
    sub = submit(content, name="Потрошња.csv")
    for user in (world.partner_a_user, world.nsi_manager, world.partner_a_viewer):
        response = api(user).get(f"/api/v1/submissions/{sub.pk}/download/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content
        assert response["X-Content-SHA256"] == sub.sha256


def test_another_partner_gets_404_for_submission_report_and_download(submit, world, api):
    sub = submit(VALID_CSV)
    client = api(world.partner_b_user)
    for suffix in ("", "report/", "report.csv", "download/"):
        assert client.get(f"/api/v1/submissions/{sub.pk}/{suffix}").status_code == 404, suffix
    assert client.get(f"/api/v1/data-requests/{sub.request_id}/submissions/").status_code == 404
    assert client.get("/api/v1/submissions/").json()["count"] == 0


def test_submission_lists_are_scoped_and_query_counts_pinned(
    submit, world, api, django_assert_num_queries
):
    from django.contrib.auth.models import User

    mine = [submit(VALID_CSV) for _ in range(3)]
    submit(VALID_CSV, provider=world.partner_b)
    client = api(User.objects.get(pk=world.partner_a_user.pk))
    with django_assert_num_queries(3):
        listed = client.get("/api/v1/submissions/").json()
    assert sorted(r["id"] for r in listed["results"]) == sorted(s.pk for s in mine)


@pytest.mark.parametrize(
    ("content", "status", "counts"),
    [
        pytest.param(HEADER.encode(), "passed", {}, id="header only"),
        pytest.param(
            (HEADER + "Centar,2026-01-01,1\nStanovo,2026-01-01,1,2,3\n").encode(),
            "failed",
            {"missing-cell": 1, "extra-cell": 1},
            id="ragged rows",
        ),
        pytest.param(
            HEADER.replace(",", ";").encode() + "Центар;2026-01-01;1,5;3\n".encode("cp1251"),
            "passed",
            {},
            id="semicolon, decimal comma, cp1251",
        ),
        pytest.param(
            (HEADER + "Центар,2026-01-01,1.5,3\n").encode("utf-16"),
            "passed",
            {},
            id="utf-16",
        ),
    ],
)
def test_awkward_but_readable_files_get_a_clear_report(submit, content, status, counts):
    schema = {
        "fields": [
            {"name": "district", "type": "string"},
            {"name": "month", "type": "date"},
            {"name": "consumption_mwh", "type": "number", "decimalChar": ","}
            if b";" in content
            else {"name": "consumption_mwh", "type": "number"},
            {"name": "customers", "type": "integer"},
        ]
    }
    sub = submit(content, table_schema=schema)
    run = sub.validation_run
    assert (run.status, run.report["error_counts"]) == (status, counts), run.report


def test_a_billion_laughs_workbook_gets_a_source_error_report(submit):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData>'
        b"</worksheet>"
    )
    workbook = replace_member(
        xlsx_bytes([["district"], ["Centar"]]), "xl/worksheets/sheet1.xml", laughs
    )
    sub = submit(workbook, name="laughs.xlsx")
    run = sub.validation_run
    assert run.status == RunStatus.FAILED
    assert run.report["error_counts"] == {"source-error": 1}
    assert "entities" in report_errors(run.report)[0]["note"]


def test_nsi_reruns_a_run_and_gets_the_same_report(
    submit, world, django_capture_on_commit_callbacks
):
    sub = submit(INVALID_CSV)
    first = sub.validation_run.report
    with django_capture_on_commit_callbacks(execute=True):
        validation_run_rerun(run=sub.validation_run, actor=world.nsi_manager)
    run = ValidationRun.objects.get(pk=sub.validation_run.pk)
    # A re-run starts the attempt count afresh (the attempt limit applies to it anew).
    assert run.status == RunStatus.FAILED and run.report == first and run.attempts == 1


def test_a_partner_cannot_rerun_a_validation(submit, world):
    from ddms_platform.core.errors import NotPermitted

    sub = submit(VALID_CSV)
    with pytest.raises(NotPermitted):
        validation_run_rerun(run=sub.validation_run, actor=world.partner_a_user)


def test_nsi_accepts_a_passed_submission(submit, world, api):
    sub = submit(VALID_CSV)
    response = api(world.nsi_manager).post(f"/api/v1/data-requests/{sub.request_id}/accept/")
    assert response.status_code == 200 and response.json()["state"] == "accepted"


def test_nsi_cannot_accept_a_failed_submission(submit, world, api):
    sub = submit(INVALID_CSV)
    response = api(world.nsi_manager).post(f"/api/v1/data-requests/{sub.request_id}/accept/")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_not_passed"


def test_a_run_whose_workers_keep_dying_is_given_up_with_an_error(submit):
    sub = submit(VALID_CSV)
    ValidationRun.objects.filter(pk=sub.validation_run.pk).update(
        status=RunStatus.RUNNING,
        report=None,
        finished_at=None,
        attempts=3,
        heartbeat_at=expired_heartbeat(),
    )
    run = validation_run_execute(run_id=sub.validation_run.pk)
    assert run.status == RunStatus.ERROR and run.attempts == 4
    assert "started 3 times" in run.last_error


def test_a_deleted_run_is_nothing_to_do():
    assert validation_run_execute(run_id=987654) is None


def test_a_data_need_is_answered_by_the_nsi_and_read_by_the_city(
    world, api, django_capture_on_commit_callbacks
):
    from .requests_support import data_need

    req = data_need(world, state=S.ACKNOWLEDGED)
    content = b"territory,year,value\nRS-KG,2025,12.5\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = api(world.nsi_manager).post(
            f"/api/v1/data-requests/{req.pk}/submissions/",
            {"file": upload("answer.csv", content)},
            format="multipart",
        )
    assert response.status_code == 201, response.json()
    sub_id = response.json()["id"]
    city = api(world.city_user)
    assert city.get(f"/api/v1/submissions/{sub_id}/report/").json()["valid"] is True
    download = city.get(f"/api/v1/submissions/{sub_id}/download/")
    assert b"".join(download.streaming_content) == content
    assert city.post(f"/api/v1/data-requests/{req.pk}/accept/").json()["state"] == "accepted"
    assert api(world.partner_a_user).get(f"/api/v1/submissions/{sub_id}/").status_code == 404
