"""HTTP benchmark: the production stack under gunicorn -w 2, loaded at 10 connections.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ddms_bench python benchmarks/http.py \
        [--duration 10] [--connections 10] [--port 0] [--cache-url redis://127.0.0.1:6379/1]

Migrates the database, loads the demo pilot (`manage.py load_demo`), collects the static files
into a temporary folder, starts gunicorn with DDMS_DEV=0 on loopback, and measures each URL
for a bounded time with wrk (Debian's `wrk` package) or, without it, a small threaded client.
Prints requests/s, p50 and p99 per URL and the ratio to a trivial Django view served by the
same server (added for the benchmark only, by its own settings module). Not a test.
"""

from __future__ import annotations

import os
import sys

# This file is named like the standard library's `http`: keep its folder off the import path.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import http.client  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(_HERE).parent
PYTHON = sys.executable
TARGETS = [
    ("trivial Django view (reference)", "/bench/trivial"),
    ("public indicator page", "/indicators/PT_ACCESS/"),
    ("series API", "/api/v1/indicators/PT_ACCESS/series/"),
    ("observations API", "/api/v1/observations/"),
    ("CSV export", "/api/v1/open-data/observations.csv"),
    ("/healthz", "/healthz"),
]
MAX_REQUESTS = 200_000  # the Python client's bound, besides the duration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def fetch(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}")
        try:
            if fetch(port, "/bench/trivial", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("gunicorn did not answer within 60 s")


def check(port: int, path: str) -> int:
    """Fetch once: a URL that does not answer 200 would measure an error page."""
    status, body = fetch(port, path)
    if status != 200:
        sys.exit(f"{path} answered {status}: {body[:300]!r}")
    return len(body)


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * _UNITS[unit]


def run_wrk(url: str, connections: int, duration: float) -> tuple[float, float, float, int]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration:g}s",
            "--latency",
            "--timeout",
            "10s",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failures = int(bad.group(1)) if bad else 0
    failures += sum(int(n) for n in errors.groups()) if errors else 0
    return rps, p50, p99, failures


def run_threads(url: str, connections: int, duration: float) -> tuple[float, float, float, int]:
    """A bounded keep-alive client: `connections` threads until the time or request bound."""
    host, port_path = url.removeprefix("http://").split(":", 1)
    port, path = port_path.split("/", 1)
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + duration

    def worker() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        mine: list[float] = []
        while time.perf_counter() < deadline and len(latencies) + len(mine) < MAX_REQUESTS:
            t0 = time.perf_counter()
            try:
                conn.request("GET", "/" + path)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            mine.append((time.perf_counter() - t0) * 1000)
            if not ok:
                with lock:
                    failures[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=100)
    return len(latencies) / elapsed, cuts[49], cuts[98], failures[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per URL and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument(
        "--cache-url",
        default=os.environ.get("DDMS_CACHE_URL", ""),
        help="DDMS_CACHE_URL of the server (empty: local memory per worker)",
    )
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it gets the demo data).")
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk"))
    if args.client == "wrk" and not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install -y wrk), or use --client python")

    tmp = Path(tempfile.mkdtemp(prefix="ddms-http-bench-"))
    port = args.port or free_port()
    env = {
        **os.environ,
        "DDMS_DEV": "0",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no TLS redirect (a reverse proxy terminates TLS in production).
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "DDMS_DATA_DIR": str(tmp / "data"),
        "DDMS_CACHE_URL": args.cache_url,
        # Persistent database connections, as a deployment behind gunicorn would use.
        "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
        "DDMS_LOG_LEVEL": "WARNING",
        # One loopback address sends every request: the anonymous API throttle would answer 429.
        "DDMS_THROTTLE_ANON": "off",
    }
    server = None
    try:
        print("migrate, load_demo, collectstatic ...", flush=True)
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--no-input", "-v0")
        server = subprocess.Popen(
            [
                str(Path(PYTHON).with_name("gunicorn")),
                "-w",
                str(args.workers),
                "-b",
                f"127.0.0.1:{port}",
                "--chdir",
                str(ROOT),
                "--log-level",
                "warning",
                "ddms_platform.wsgi:application",
            ],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "benchmarks._http_settings"},
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        wait_ready(port, server)
        client = "wrk -t2" if use_wrk else "threaded Python client"
        print(
            f"gunicorn -w {args.workers} on {base} (DDMS_DEV=0, cache: "
            f"{args.cache_url or 'local memory'}); {client}, {args.connections} connections, "
            f"{args.duration:g} s per URL\n"
        )
        run = run_wrk if use_wrk else run_threads
        sizes = {}
        for _label, path in TARGETS:
            sizes[path] = check(port, path)
            for _ in range(20):  # warm the workers and their caches
                check(port, path)
        # Rounds over all URLs, so a change in the shared machine's load hits every URL alike;
        # each figure is the median over the rounds, each ratio the median of per-round ratios.
        results: dict[str, list[tuple[float, float, float, int]]] = {p: [] for _l, p in TARGETS}
        for n in range(args.rounds):
            print(f"round {n + 1}/{args.rounds} ...", flush=True)
            for _label, path in TARGETS:
                results[path].append(run(base + path, args.connections, args.duration))
        reference = results[TARGETS[0][1]]
        print(f"\n{'URL':<44} {'bytes':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6}")
        for label, path in TARGETS:
            runs = results[path]
            ratio = statistics.median(r[0] / ref[0] for r, ref in zip(runs, reference, strict=True))
            failures = sum(r[3] for r in runs)
            note = f"  ({failures} failed)" if failures else ""
            print(
                f"{label + ' ' + path:<44} {sizes[path]:>8} "
                f"{statistics.median(r[0] for r in runs):>8.1f} "
                f"{statistics.median(r[1] for r in runs):>8.1f} "
                f"{statistics.median(r[2] for r in runs):>8.1f} {ratio:>6.2f}{note}",
                flush=True,
            )
        spread = [round(r[0]) for r in reference]
        print(f"\nreference requests/s in each round: {spread}")
        print(
            "\nratio: requests/s against the trivial view. Targets: indicator page >= 0.50 with "
            "p99 <= 100 ms."
        )
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
