"""Unusual files get the same clear answer through the upload (worker) and the command line:
a very long first line, a short Latin-1 file, a CSV named .xlsx; the request's dialect and
code-list foreign keys are applied by the worker."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ddms_platform.tabular import report_errors
from partnerships.choices import RequestState as S
from partnerships.choices import RunStatus
from partnerships.models import Submission

from .requests_support import SCHEMA, acquisition, private_media, upload  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]
HEADER = "district,month,consumption_mwh,customers\n"
LATIN1 = (HEADER + "Zürich-Süd,2026-01-01,1.5,2\nCafé-Ölmühle,2026-01-01,2,3\n").encode("latin-1")
LONG_LINE = (HEADER + "A" * 200_000 + ",2026-01-01,1,2\n").encode()
CSV_AS_XLSX = (HEADER + "Centar,2026-01-01,1,2\n").encode()


@pytest.fixture
def submit(world, api, django_capture_on_commit_callbacks):
    def run(content: bytes, name: str, **request_extra) -> Submission:
        req = acquisition(world, state=S.ACKNOWLEDGED, **request_extra)
        url = f"/api/v1/data-requests/{req.pk}/submissions/"
        with django_capture_on_commit_callbacks(execute=True):
            response = api(world.partner_a_user).post(
                url, {"file": upload(name, content)}, format="multipart"
            )
        assert response.status_code == 201, response.json()
        return Submission.objects.select_related("validation_run").get(pk=response.json()["id"])

    return run


def _cli(tmp_path, content: bytes, name: str, capsys, dialect=None) -> tuple[int, dict]:
    data = tmp_path / name
    data.write_bytes(content)
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA))
    args = [str(data), "--schema", str(schema), "--format", "json"]
    if dialect is not None:
        (tmp_path / "dialect.json").write_text(json.dumps(dialect))
        args += ["--dialect", str(tmp_path / "dialect.json")]
    code = 0
    try:
        call_command("validate_dataset", *args)
    except CommandError as exc:
        code = exc.returncode
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("content", "name"),
    [(LATIN1, "latin1.csv"), (LONG_LINE, "long.csv"), (CSV_AS_XLSX, "x.xlsx")],
    ids=["short-latin-1", "long-first-field", "csv-named-xlsx"],
)
def test_upload_and_command_line_give_the_same_report(submit, tmp_path, capsys, content, name):
    run = submit(content, name).validation_run
    code, report = _cli(tmp_path, content, name, capsys)
    assert run.status == RunStatus.PASSED, run.report or run.last_error
    assert code == 0
    for key in ("valid", "error_counts"):
        assert report[key] == run.report[key]
    assert report["stats"]["format"] == run.report["stats"]["format"] == "csv"
    assert report["stats"]["encoding"] == run.report["stats"]["encoding"]


def test_a_short_latin_1_file_is_decoded_with_a_western_code_page(submit):
    run = submit(LATIN1, "latin1.csv").validation_run
    assert run.report["stats"]["encoding"] == "cp1252"
    assert Submission.objects.get(pk=run.submission_id).encoding == "cp1252"


def test_the_command_line_exits_2_with_a_source_error_for_an_unusable_long_line(
    tmp_path, capsys, monkeypatch
):
    import csv

    from ddms_platform.tabular import reader

    monkeypatch.setattr(reader, "MAX_FIELD_CHARS", 1000)
    old = csv.field_size_limit(1000)
    try:
        code, report = _cli(
            tmp_path, HEADER.encode() + b"x" * 5000 + b"\n", "big.csv", capsys, {"delimiter": ","}
        )
    finally:
        csv.field_size_limit(old)
    assert code == 2
    assert report["error_counts"] == {"source-error": 1}
    assert "1000 characters" in report_errors(report)[0]["note"]


def test_the_worker_reads_the_files_with_the_requests_dialect(submit):
    content = (
        b"# exported 2026-02-01\n" + HEADER.replace(",", "|").encode() + b"Centar|2026-01-01|1|2\n"
    )
    run = submit(content, "p.csv", dialect={"delimiter": "|", "commentChar": "#"}).validation_run
    assert run.status == RunStatus.PASSED, run.report
    assert run.report["stats"]["delimiter"] == "|"


def test_a_foreign_key_to_the_observation_status_code_list_is_checked(submit):
    schema = {
        "fields": [{"name": "district"}, {"name": "status"}],
        "foreignKeys": [
            {"fields": "status", "reference": {"resource": "ddms:obs-status", "fields": "code"}}
        ],
    }
    run = submit(b"district,status\nCentar,A\nCentar,Q\n", "s.csv", table_schema=schema)
    report = run.validation_run.report
    assert report["error_counts"] == {"foreign-key": 1}
    assert report_errors(report)[0]["rowNumber"] == 3


def test_a_file_of_one_ten_megabyte_line_is_a_report_not_a_traceback(tmp_path, capsys):
    code, report = _cli(tmp_path, b"x" * (10 << 20) + b"\n", "one-line.csv", capsys)
    assert code == 1  # invalid: its one label is not the schema's, and fields are missing
    assert report["error_counts"]["incorrect-label"] == 1
    assert report["stats"]["rows"] == 0
