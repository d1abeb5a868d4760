"""Uploaded files in a real S3-compatible bucket (SeaweedFS): round trips, versions, workers."""

from __future__ import annotations

import hashlib
import os
import tempfile
import tracemalloc
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from ddms_platform.tabular import report_errors
from partnerships.choices import RequestState as S
from partnerships.choices import RunStatus
from partnerships.models import AgreementDocument, Submission, ValidationRun

from ..services import wait_for
from .requests_support import INVALID_CSV, acquisition, replace_member, upload, xlsx_bytes

pytestmark = [pytest.mark.services]
HEADER = "district,month,consumption_mwh,customers\n"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def no_media(settings, tmp_path) -> Path:
    """The web process's media folder does not exist: nothing may be read from or put there."""
    settings.MEDIA_ROOT = tmp_path / "absent-media"
    return settings.MEDIA_ROOT


def _post(api, world, name: str, content: bytes):
    req = acquisition(world, state=S.ACKNOWLEDGED)
    return api(world.partner_a_user).post(
        f"/api/v1/data-requests/{req.pk}/submissions/",
        {"file": upload(name, content)},
        format="multipart",
    )


def _submit(api, world, name: str, content: bytes, capture) -> Submission:
    with capture(execute=True):  # validation runs eagerly once the upload commits
        response = _post(api, world, name, content)
    assert response.status_code == 201, response.json()
    return Submission.objects.select_related("validation_run").get(pk=response.json()["id"])


def _download(client, url: str) -> tuple[bytes, object]:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content), response


def test_a_submission_round_trips_byte_for_byte_through_the_bucket(
    s3_storage, no_media, world, api, django_capture_on_commit_callbacks
):
    # Over 2 MiB, Cyrillic and CRLF line ends: several read chunks, nothing normalised.
    rows = "".join(f"Центар {i},2026-01-01,{i}.5,{i}\r\n" for i in range(70_000))
    content = (HEADER.replace("\n", "\r\n") + rows).encode()
    assert len(content) > 2 * 1024 * 1024
    sub = _submit(api, world, "потрошња.csv", content, django_capture_on_commit_callbacks)

    # Validated from the bucket, in this process, with no media folder anywhere.
    assert sub.validation_run.status == RunStatus.PASSED, sub.validation_run.last_error
    assert sub.validation_run.rows_done == 70_000
    [key] = s3_storage.keys()
    assert key.startswith(f"{s3_storage.prefix}/submissions/")
    assert hashlib.sha256(s3_storage.server.get(key)).hexdigest() == sub.sha256

    body, response = _download(api(world.nsi_manager), f"/api/v1/submissions/{sub.pk}/download/")
    assert body == content
    assert hashlib.sha256(body).hexdigest() == sub.sha256 == response["X-Content-SHA256"]
    assert response["Content-Length"] == str(len(content)) == str(sub.size)
    assert not no_media.exists()


def test_a_download_streams_the_object_without_holding_it_in_memory(
    s3_storage, no_media, world, api
):
    content = os.urandom(1 << 20) * 16
    sub = Submission(
        request=acquisition(world, state=S.SUBMITTED),
        version=1,
        original_name="big.csv",
        format="csv",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    sub.file.save("big.csv", ContentFile(content), save=False)
    sub.save()
    client = api(world.nsi_manager)
    # A first request imports the URL configuration and views; only the download is measured.
    assert client.get(f"/api/v1/submissions/{sub.pk}/").status_code == 200
    digest = hashlib.sha256()
    tracemalloc.start()  # from the request on: opening the object must not fetch all of it
    try:
        response = client.get(f"/api/v1/submissions/{sub.pk}/download/")
        for piece in response.streaming_content:
            digest.update(piece)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200 and response["Content-Length"] == str(len(content))
    assert digest.hexdigest() == sub.sha256
    assert peak < 4 << 20, f"peak {peak} bytes while streaming a {len(content)}-byte object"


def test_an_upload_to_the_bucket_holds_two_parts_in_memory_not_the_file(s3_storage):
    with tempfile.NamedTemporaryFile() as spooled:
        block = os.urandom(1 << 20)
        for _ in range(64):
            spooled.write(block)
        spooled.flush()
        spooled.seek(0)
        default_storage.exists("big.bin")  # builds the client first: only the upload counts
        tracemalloc.start()
        try:
            name = default_storage.save("big.bin", File(spooled))
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert default_storage.size(name) == 64 << 20
    # boto3's default keeps up to ten 8 MiB parts in memory (72 MB for this file).
    assert peak < 40 << 20, f"peak {peak} bytes while uploading 64 MiB"


def test_stored_objects_are_private_to_anyone_without_the_key(
    s3_storage, no_media, world, api, django_capture_on_commit_callbacks
):
    _submit(api, world, "data.csv", INVALID_CSV, django_capture_on_commit_callbacks)
    [key] = s3_storage.keys()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_storage.server.endpoint}/ddms-test/{key}", timeout=5)
    assert refused.value.code == 403


def test_a_missing_object_is_a_404_download_and_a_clear_validation_error(
    s3_storage, no_media, world, api, django_capture_on_commit_callbacks
):
    sub = _submit(api, world, "data.csv", INVALID_CSV, django_capture_on_commit_callbacks)
    [key] = s3_storage.keys()
    s3_storage.server.client().delete_object(Bucket="ddms-test", Key=key)
    assert api(world.nsi_manager).get(f"/api/v1/submissions/{sub.pk}/download/").status_code == 404
    from partnerships.services.validation import validation_run_execute, validation_run_rerun

    run = validation_run_rerun(run=sub.validation_run, actor=world.nsi_manager)
    run = validation_run_execute(run_id=run.pk)
    assert run.status == RunStatus.ERROR and "cannot be read" in run.last_error


def test_xlsx_from_the_bucket_is_validated_and_a_zip_bomb_still_caught(
    s3_storage, no_media, world, api, django_capture_on_commit_callbacks
):
    workbook = xlsx_bytes([HEADER.strip().split(","), ["Centar", "2026-01-01", 1.5, 3]])
    good = _submit(api, world, "data.xlsx", workbook, django_capture_on_commit_callbacks)
    assert good.validation_run.status == RunStatus.PASSED, good.validation_run.report

    # Small enough in total to pass the upload check, but one member expands 1000:1: the
    # engine refuses it while reading the object back from the bucket.
    bomb = replace_member(workbook, "xl/worksheets/sheet1.xml", b" " * 5_000_000)
    sub = _submit(api, world, "bomb.xlsx", bomb, django_capture_on_commit_callbacks)
    run = sub.validation_run
    assert run.status == RunStatus.FAILED
    assert run.report["error_counts"] == {"source-error": 1}
    assert "compression ratio" in report_errors(run.report)[0]["note"]


def test_a_refused_upload_leaves_nothing_in_the_bucket(s3_storage, no_media, world, api, settings):
    settings.DDMS_XLSX_MAX_UNCOMPRESSED_BYTES = 1_000_000
    workbook = xlsx_bytes([["district"], ["Centar"]])
    bomb = replace_member(workbook, "xl/worksheets/sheet1.xml", b" " * 5_000_000)
    response = _post(api, world, "bomb.xlsx", bomb)
    assert response.status_code == 400 and response.json()["error"]["code"] == "xlsx_too_large"
    assert s3_storage.keys() == []


def test_agreement_document_versions_are_immutable_objects(s3_storage, no_media, registry, api):
    client = api(registry.nsi_manager)
    url = f"/api/v1/agreements/{registry.agreement.pk}/documents/"
    amended = PDF + b"% amended\n"
    ids = []
    for content in (PDF, amended):
        response = client.post(
            url,
            {"title": "MoU", "file": SimpleUploadedFile("mou.pdf", content, "application/pdf")},
            format="multipart",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["sha256"] == hashlib.sha256(content).hexdigest()
        ids.append(response.json()["id"])
    first, second = (AgreementDocument.objects.get(pk=pk) for pk in ids)
    assert (first.version, second.version) == (1, 2) and first.file.name != second.file.name
    assert len(s3_storage.keys()) == 2

    # Each version downloads exactly as uploaded, the first untouched by the second.
    partner = api(registry.partner_a_user)
    for document, content in ((first, PDF), (second, amended)):
        body, response = _download(partner, f"{url}{document.pk}/download/")
        assert body == content and hashlib.sha256(body).hexdigest() == document.sha256
        assert response["Content-Type"] == "application/pdf"


def test_a_worker_validates_from_the_bucket_without_the_media_folder(
    s3_storage, no_media, worker_factory, world, api, tmp_path
):
    # The worker shares no folder with this (web) process: its media root does not exist.
    worker_media = tmp_path / "worker-media-absent"
    worker_factory(extra_env={**s3_storage.env, "DJANGO_MEDIA_ROOT": str(worker_media)})
    response = _post(api, world, "data.csv", INVALID_CSV)
    assert response.status_code == 201, response.json()
    sub_id = response.json()["id"]

    def finished() -> ValidationRun | None:
        run = ValidationRun.objects.get(submission_id=sub_id)
        return run if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING) else None

    run = wait_for(finished, timeout=60, what="the worker's validation")
    assert run.status == RunStatus.FAILED, run.last_error
    assert run.report["error_counts"]["type-error"] == 2 and run.rows_done == 3
    assert not worker_media.exists() and not no_media.exists()
