"""Run the web server, a Celery worker and Celery beat together; Ctrl-C stops all three."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from typing import IO, Any

from django.conf import settings
from django.core.management.base import BaseCommand

from ddms_platform.core.banner import banner_text

# A line each child prints once it serves: the logins and the URL are printed after all three,
# so the start-up banners never scroll them away.
READY_MARKERS = {
    "web": "Quit the server with",
    "worker": " ready.",
    "beat": "beat: Starting...",
}
READY_TIMEOUT = 120.0


def _relay(stream: IO[bytes], marker: str, ready: threading.Event) -> None:
    """Copy a child's output to ours, and flag the first line carrying its ready marker."""
    out = sys.stdout.buffer
    for line in iter(stream.readline, b""):
        out.write(line)
        out.flush()
        if not ready.is_set() and marker in line.decode(errors="replace"):
            ready.set()


class Command(BaseCommand):
    help = "Start web + worker + beat as child processes and stop them together."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args: Any, host: str, port: str, **options: Any) -> None:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        python = sys.executable
        celery = [python, "-m", "celery", "-A", "ddms_platform"]
        commands = {
            "web": [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2"],
            "beat": [
                *celery,
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(settings.DATA_DIR / "celerybeat-schedule"),
            ],
        }
        # Unbuffered, so each ready line reaches the relay when it is printed.
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        children: dict[str, subprocess.Popen[bytes]] = {}
        ready: dict[str, threading.Event] = {}
        for name, cmd in commands.items():
            child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
            children[name] = child
            ready[name] = threading.Event()
            assert child.stdout is not None
            threading.Thread(
                target=_relay, args=(child.stdout, READY_MARKERS[name], ready[name]), daemon=True
            ).start()
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        announced = False
        deadline = time.monotonic() + READY_TIMEOUT
        try:
            while not stopping:
                for name, child in children.items():
                    if child.poll() is not None:
                        self.stderr.write(
                            f"{name} exited with {child.returncode}; stopping the others"
                        )
                        stopping = True
                if not announced and (
                    all(event.is_set() for event in ready.values()) or time.monotonic() > deadline
                ):
                    announced = True
                    self._announce(host, port, [n for n, e in ready.items() if not e.is_set()])
                time.sleep(0.2)
        finally:
            for child in children.values():
                if child.poll() is None:
                    child.terminate()
            deadline = time.monotonic() + 15
            for child in children.values():
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()

    def _announce(self, host: str, port: str, late: list[str]) -> None:
        text = banner_text()
        if text:
            self.stdout.write("\n" + text)
        if late:
            self.stderr.write(f"Not ready after {READY_TIMEOUT:.0f} s: {', '.join(late)}")
        self.stdout.write(
            self.style.SUCCESS(f"\nDDMS is running at http://{host}:{port}/ (Ctrl-C stops it)")
        )
