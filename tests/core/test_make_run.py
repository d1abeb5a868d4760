"""`make run PORT=…` points e-mail links (DDMS_SITE_URL) at the server it starts."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _make_run(tmp_path: Path, *args: str, site_url: str | None = None) -> list[str]:
    """The commands `make run` executes, each with the DDMS_SITE_URL it sees (a stand-in python)."""
    fake = tmp_path / "python"
    fake.write_text('#!/bin/sh\necho "$DDMS_SITE_URL $*"\n')
    fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "DDMS_SITE_URL"}
    if site_url:
        env["DDMS_SITE_URL"] = site_url
    result = subprocess.run(
        # -o install: never run the install step with the stand-in python.
        ["make", "-s", "-o", "install", "run", f"BIN={tmp_path}", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if "manage.py" in line]


def test_it_sets_the_site_url_from_host_and_port(tmp_path):
    lines = _make_run(tmp_path, "PORT=8101")
    assert lines and all(line.startswith("http://127.0.0.1:8101 manage.py") for line in lines)
    assert lines[-1].endswith("run_platform --host 127.0.0.1 --port 8101")


def test_it_keeps_a_site_url_that_is_already_set(tmp_path):
    lines = _make_run(tmp_path, "PORT=8101", site_url="https://ddms.example.org")
    assert all(line.startswith("https://ddms.example.org manage.py") for line in lines)
