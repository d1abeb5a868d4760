"""Uploading submissions: formats by content, limits, versions, and no half state on refusal."""

from __future__ import annotations

import hashlib

import pytest
from django.test import override_settings

from ddms_platform.notify.models import OutboxEvent
from partnerships.choices import RequestState as S
from partnerships.models import DataRequest, Submission, ValidationRun

from .requests_support import (
    INVALID_CSV,
    VALID_CSV,
    acquisition,
    latest,
    private_media,  # noqa: F401 - fixture
    stored_files,
    upload,
    xlsx_bytes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


def _post(api, user, req, name, content, capture=None):
    url = f"/api/v1/data-requests/{req.pk}/submissions/"
    return api(user).post(url, {"file": upload(name, content)}, format="multipart")


def _assert_nothing_stored(req: DataRequest, state: str = S.ACKNOWLEDGED) -> None:
    assert not Submission.objects.filter(request=req).exists()
    assert not ValidationRun.objects.exists()
    assert not OutboxEvent.objects.exists()
    assert stored_files() == []
    assert DataRequest.objects.get(pk=req.pk).state == state


def test_partner_uploads_a_csv_and_it_is_kept_byte_for_byte(world, api):
    req = acquisition(world, state=S.ACKNOWLEDGED)
    response = _post(api, world.partner_a_user, req, "january.csv", VALID_CSV)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["version"] == 1 and body["format"] == "csv" and body["encoding"] == "utf-8"
    assert body["size"] == len(VALID_CSV)
    assert body["sha256"] == hashlib.sha256(VALID_CSV).hexdigest()
    assert body["validation"]["status"] == "queued"
    sub = Submission.objects.get(pk=body["id"])
    with sub.file.open("rb") as fh:
        assert fh.read() == VALID_CSV
    assert DataRequest.objects.get(pk=req.pk).state == S.SUBMITTED
    transition = OutboxEvent.objects.get(kind="request.transitioned")
    assert transition.payload["from"] == "acknowledged" and transition.payload["to"] == "submitted"
    assert OutboxEvent.objects.filter(kind="submission.uploaded").count() == 1


def test_uploading_queues_validation_after_commit(world, api, django_capture_on_commit_callbacks):
    req = acquisition(world, state=S.ACKNOWLEDGED)
    response = _post(api, world.partner_a_user, req, "january.csv", INVALID_CSV)
    run = ValidationRun.objects.get(submission_id=response.json()["id"])
    assert run.status == "queued"  # the transaction of this test has not committed
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(api, world.partner_a_user, req, "january.csv", INVALID_CSV)
    run = ValidationRun.objects.get(submission_id=response.json()["id"])
    assert run.status == "failed" and run.report["error_counts"]["type-error"] == 2


def test_a_new_upload_is_a_new_version_and_never_overwrites(world, api):
    req = acquisition(world, state=S.ACKNOWLEDGED)
    first = _post(api, world.partner_a_user, req, "data.csv", INVALID_CSV).json()
    second = _post(api, world.partner_a_user, req, "data.csv", VALID_CSV).json()
    assert (first["version"], second["version"]) == (1, 2)
    subs = {s.version: s for s in Submission.objects.filter(request=req)}
    assert subs[1].file.name != subs[2].file.name
    with subs[1].file.open("rb") as fh:
        assert fh.read() == INVALID_CSV
    assert len(stored_files()) == 2


def test_an_upload_after_changes_requested_submits_again(world, api):
    req = acquisition(world, state=S.CHANGES_REQUESTED)
    assert _post(api, world.partner_a_user, req, "a.csv", VALID_CSV).status_code == 201
    assert DataRequest.objects.get(pk=req.pk).state == S.SUBMITTED


def test_xlsx_is_recognised_by_content_even_when_named_csv(world, api):
    req = acquisition(world, state=S.ACKNOWLEDGED)
    content = xlsx_bytes([["district", "month"], ["Centar", "2026-01-01"]])
    body = _post(api, world.partner_a_user, req, "sheet.csv", content).json()
    assert body["format"] == "xlsx" and body["encoding"] == ""
    assert Submission.objects.get(pk=body["id"]).file.name.endswith("/sheet.xlsx")


def test_cp1251_is_detected_and_stored(world, api):
    req = acquisition(world, state=S.ACKNOWLEDGED)
    text = "district,month,consumption_mwh,customers\nКрагујевац Центар,2026-01-01,1,2\n"
    body = _post(api, world.partner_a_user, req, "c.csv", text.encode("cp1251")).json()
    assert body["encoding"] == "cp1251"


def test_utf16_with_bom_is_detected_and_stored(world, api):
    req = acquisition(world, state=S.ACKNOWLEDGED)
    text = "district,month,consumption_mwh,customers\nЦентар,2026-01-01,1,2\n"
    body = _post(api, world.partner_a_user, req, "u.csv", text.encode("utf-16")).json()
    assert body["encoding"] == "utf-16"


def test_utf8_with_bom_is_detected_and_stored(world, api):
    req = acquisition(world, state=S.ACKNOWLEDGED)
    body = _post(api, world.partner_a_user, req, "b.csv", b"\xef\xbb\xbf" + VALID_CSV).json()
    assert body["encoding"] == "utf-8-sig"


def test_an_empty_file_is_refused_and_nothing_is_stored(world, api):
    req = acquisition(world, state=S.ACKNOWLEDGED)
    response = _post(api, world.partner_a_user, req, "empty.csv", b"")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "The file is empty."
    _assert_nothing_stored(req)


def test_binary_garbage_is_refused_and_nothing_is_stored(world, api):
    req = acquisition(world, state=S.ACKNOWLEDGED)
    garbage = bytes(range(256)) * 8
    response = _post(api, world.partner_a_user, req, "data.csv", garbage)
    assert response.status_code == 400
    assert "not a CSV or XLSX" in response.json()["error"]["message"]
    _assert_nothing_stored(req)


def test_an_old_xls_file_is_refused_by_name(world, api):
    req = acquisition(world, state=S.ACKNOWLEDGED)
    response = _post(api, world.partner_a_user, req, "data.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    assert response.status_code == 400
    assert ".xls" in response.json()["error"]["message"]
    _assert_nothing_stored(req)


def test_a_zip_that_is_not_a_workbook_is_refused(world, api):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    response = _post(api, world.partner_a_user, req := acquisition(world, state=S.ACKNOWLEDGED),
                     "data.xlsx", buffer.getvalue())  # fmt: skip
    assert response.status_code == 400
    assert "not an XLSX workbook" in response.json()["error"]["message"]
    _assert_nothing_stored(req)


@override_settings(DDMS_XLSX_MAX_UNCOMPRESSED_BYTES=200_000)
def test_a_zip_bomb_workbook_is_refused_before_it_is_opened(world, api):
    from .requests_support import replace_member

    req = acquisition(world, state=S.ACKNOWLEDGED)
    workbook = xlsx_bytes([["district"], ["Centar"]])
    # 5 MB of one repeated character compresses to a few kilobytes
    bomb = replace_member(workbook, "xl/worksheets/sheet1.xml", b" " * 5_000_000)
    assert len(bomb) < 50_000
    response = _post(api, world.partner_a_user, req, "bomb.xlsx", bomb)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "xlsx_too_large" and "zip bomb" in error["message"]
    _assert_nothing_stored(req)


@override_settings(DDMS_MAX_SUBMISSION_BYTES=100)
def test_a_file_over_the_size_limit_gets_413_and_nothing_is_stored(world, api):
    req = acquisition(world, state=S.ACKNOWLEDGED)
    response = _post(api, world.partner_a_user, req, "big.csv", VALID_CSV)
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "file_too_large" and error["limit"] == 100
    _assert_nothing_stored(req)


def test_upload_before_acknowledging_is_an_illegal_transition(world, api):
    req = acquisition(world, state=S.SENT)
    response = _post(api, world.partner_a_user, req, "a.csv", VALID_CSV)
    assert response.status_code == 400
    assert response.json()["error"]["allowed"] == ["acknowledged", "declined", "withdrawn"]
    _assert_nothing_stored(req, state=S.SENT)


def test_nsi_cannot_upload_in_the_partners_place(world, api):
    req = acquisition(world, state=S.ACKNOWLEDGED)
    assert _post(api, world.nsi_manager, req, "a.csv", VALID_CSV).status_code == 403
    _assert_nothing_stored(req)


def test_viewer_cannot_upload(world, api):
    req = acquisition(world, state=S.ACKNOWLEDGED)
    assert _post(api, world.partner_a_viewer, req, "a.csv", VALID_CSV).status_code == 403
    _assert_nothing_stored(req)


def test_other_partner_cannot_upload_to_a_request_it_cannot_see(world, api):
    req = acquisition(world, state=S.ACKNOWLEDGED)
    assert _post(api, world.partner_b_user, req, "a.csv", VALID_CSV).status_code == 404
    _assert_nothing_stored(req)


def test_a_request_without_a_file_field_gets_a_field_error(world, api):
    req = acquisition(world, state=S.ACKNOWLEDGED)
    url = f"/api/v1/data-requests/{req.pk}/submissions/"
    response = api(world.partner_a_user).post(url, {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]


def test_the_upload_is_audited(world, api):
    from ddms_platform.core.audit import audit_history

    req = acquisition(world, state=S.ACKNOWLEDGED)
    _post(api, world.partner_a_user, req, "a.csv", VALID_CSV)
    entry = audit_history(latest(req)).get()
    assert entry.action == "submission.upload" and entry.after["version"] == 1
    assert audit_history(req).get().action == "data_request.submitted"


@override_settings(DDMS_MAX_SUBMISSION_BYTES=200_000)
def test_an_announced_oversize_body_is_refused_before_it_is_read(world, api):
    req = acquisition(world, state=S.ACKNOWLEDGED)
    response = _post(api, world.partner_a_user, req, "big.csv", b"a,b\n" + b"1,2\n" * 80_000)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"
    _assert_nothing_stored(req)


@override_settings(DDMS_MAX_SUBMISSION_BYTES=1000)
def test_the_size_limit_holds_while_streaming_even_without_a_declared_size(world):
    import io

    from partnerships.services.submissions import UploadTooLarge, submission_upload

    req = acquisition(world, state=S.ACKNOWLEDGED)
    stream = io.BytesIO(b"a,b\n" + b"1,2\n" * 1000)  # no .size: counted while copying
    with pytest.raises(UploadTooLarge):
        submission_upload(request=req, uploaded_file=stream, actor=world.partner_a_user)
    _assert_nothing_stored(req)
