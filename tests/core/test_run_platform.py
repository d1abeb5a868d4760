"""`make run`'s last step: web, worker and beat start together and stop together."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.services import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]


def _health(port: int) -> dict[str, object] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return json.loads(response.read())
    except OSError:
        return None


def test_it_serves_with_worker_and_beat_and_stops_all_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    env.update({"DDMS_DATA_DIR": str(tmp_path), "DDMS_DEV": "1", "PYTHONUNBUFFERED": "1"})
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    # One demo account, so the demo logins banner has something to print.
    create = "from django.contrib.auth.models import User; User.objects.create_user('city.staff')"
    subprocess.run([*manage, "shell", "-c", create], cwd=ROOT, env=env, check=True)
    log = (tmp_path / "run.log").open("wb")
    proc = subprocess.Popen(
        [*manage, "run_platform", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        body = wait_for(lambda: _health(port), timeout=60, what="the web server to answer /healthz")
        assert body["database"]["ok"] is True and body["broker"]["ok"] is True  # type: ignore[index]
        wait_for(
            lambda: b" ready." in (tmp_path / "run.log").read_bytes(),
            timeout=60,
            what="the worker to be ready",
        )
        # The logins and the URL come last, after the worker's and beat's start-up lines.
        wait_for(
            lambda: b"DDMS is running at" in (tmp_path / "run.log").read_bytes(),
            timeout=60,
            what="the URL to be printed",
        )
        output = (tmp_path / "run.log").read_text(errors="replace")
        url_at = output.index(f"DDMS is running at http://127.0.0.1:{port}/")
        logins_at = output.index("Demo logins")
        assert output.index(" ready.") < logins_at < url_at
        assert output.index("beat: Starting...") < logins_at
        assert "city.staff" in output[logins_at:url_at] and "admin" not in output[logins_at:url_at]
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True)
        assert len(children.stdout.split()) == 3  # web, worker, beat
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        assert _health(port) is None
        for pid in children.stdout.split():
            assert (
                not Path(f"/proc/{pid}").exists()
                or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
            )
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
