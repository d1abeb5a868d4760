"""A real Celery worker process for job tests, pointed at the test database."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from .services import wait_for

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """The URL of the test database this pytest process uses (PostgreSQL only)."""
    s: dict[str, Any] = connection.settings_dict
    user = s.get("USER") or ""
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


class WorkerProcess:
    """Starts `celery worker` as a child process with its own log; kill or stop it at will."""

    def __init__(
        self,
        log_dir: Path,
        *,
        queue: str,
        concurrency: int = 1,
        extra_env: dict[str, str] | None = None,
        app: str = "ddms_platform",
    ) -> None:
        self.name = f"ddms-test-{uuid.uuid4().hex[:8]}"
        self.log_path = log_dir / f"{self.name}.log"
        self.queue = queue
        self.concurrency = concurrency
        self.extra_env = extra_env or {}
        # "tests.slow_app" slows every job down (tests that kill a worker mid-job).
        self.app = app
        self.proc: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": test_database_url(),
                "CELERY_TASK_DEFAULT_QUEUE": self.queue,
                "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
                "CELERY_TASK_ALWAYS_EAGER": "0",
                "DDMS_DATA_DIR": str(settings.DATA_DIR),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 60.0) -> WorkerProcess:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                self.app,
                "worker",
                "--loglevel=INFO",
                f"--concurrency={self.concurrency}",
                "--pool=prefork",
                "-Q",
                self.queue,
                "-n",
                f"{self.name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for(
            lambda: self._ready(),
            timeout=timeout,
            what=f"worker {self.name} ready (log {self.log_path})",
        )
        return self

    def _ready(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"worker exited with {self.proc.returncode}:\n{self.log()}")
        return " ready." in self.log()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def child_pids(self) -> list[int]:
        """Pids of the pool processes (the ones that run tasks)."""
        assert self.proc is not None
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return [int(pid) for pid in out.stdout.split()]

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool) as a crash would."""
        if self.proc and self.proc.poll() is None:
            children = self.child_pids()
            self.proc.kill()
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self, timeout: float = 20.0) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()


class BeatProcess:
    """`celery beat` as a child process, sending the periodic jobs to the test queue."""

    def __init__(self, log_dir: Path, *, queue: str, extra_env: dict[str, str] | None = None):
        self.log_path = log_dir / f"beat-{uuid.uuid4().hex[:8]}.log"
        self.schedule = log_dir / f"beat-{uuid.uuid4().hex[:8]}.schedule"
        self.queue = queue
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> BeatProcess:
        env = WorkerProcess(self.log_path.parent, queue=self.queue, extra_env=self.extra_env).env()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "ddms_platform",
                "beat",
                "--loglevel=INFO",
                "-s",
                str(self.schedule),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
        )
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
