"""`manage.py validate_dataset`: same engine, printed report, exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .requests_support import DATA

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = str(DATA / "requests_schema.json")


def _run(*args: str) -> int:
    try:
        call_command("validate_dataset", *args)
    except CommandError as exc:
        return exc.returncode
    return 0


def test_it_exits_0_for_a_valid_file_and_prints_the_verdict(capsys):
    assert _run(str(DATA / "requests_valid.csv"), "--schema", SCHEMA) == 0
    assert "VALID" in capsys.readouterr().out


def test_it_exits_1_for_an_invalid_file_and_names_row_and_column(capsys):
    assert _run(str(DATA / "requests_invalid.csv"), "--schema", SCHEMA) == 1
    out = capsys.readouterr().out
    assert "INVALID" in out and "[row 3, column month] type-error" in out


def test_json_output_is_the_report(capsys):
    assert _run(str(DATA / "requests_invalid.csv"), "--schema", SCHEMA, "--format", "json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False and report["stats"]["errors"] == 4


@pytest.mark.parametrize(
    "problem",
    [
        "missing file",
        "missing schema",
        "schema not json",
        "invalid schema",
        "binary file",
        "invalid dialect",
    ],
)
def test_it_exits_2_for_unusable_input(problem, tmp_path):
    data, schema = str(DATA / "requests_valid.csv"), SCHEMA
    if problem == "invalid dialect":
        (tmp_path / "d.json").write_text('{"delimiter": ";;"}')
        assert _run(data, "--schema", schema, "--dialect", str(tmp_path / "d.json")) == 2
        return
    if problem == "missing file":
        data = str(tmp_path / "nope.csv")
    elif problem == "missing schema":
        schema = str(tmp_path / "nope.json")
    elif problem == "schema not json":
        (tmp_path / "s.json").write_text("{fields")
        schema = str(tmp_path / "s.json")
    elif problem == "invalid schema":
        (tmp_path / "s.json").write_text('{"fields": [{"name": "a", "type": "rainbow"}]}')
        schema = str(tmp_path / "s.json")
    else:
        (tmp_path / "g.csv").write_bytes(bytes(range(256)) * 4)
        data = str(tmp_path / "g.csv")
    assert _run(data, "--schema", schema) == 2


def test_the_real_command_line_returns_the_exit_code(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "validate_dataset", str(DATA / "requests_invalid.csv"),
         "--schema", SCHEMA],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "DDMS_DATA_DIR": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "primary-key" in result.stdout
