"""Drive POST /api/progress/events over real HTTP: gunicorn + concurrent clients.

Used by the concurrency test (tests/progress/test_concurrent_ingest.py) and by
bench/ingest.py. No ORM in the client threads: each keeps one keep-alive
connection and sends what it is given.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn on loopback for config.wsgi with the given settings and database."""

    def __init__(
        self,
        *,
        database_url: str,
        settings_module: str,
        workers: int = 4,
        threads: int = 4,
        log_path: Path | None = None,
    ) -> None:
        self.port = free_port()
        self.log_path = log_path or Path(f"/tmp/gunicorn-progress-{self.port}.log")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "600",
        }
        self._log = open(self.log_path, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "config.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                "--threads", str(threads), "--worker-class", "gthread",
                "--keep-alive", "30", "--log-level", "warning",
            ],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer in 60 s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()


@dataclass(frozen=True)
class Credentials:
    session: str
    csrf: str = field(default_factory=lambda: secrets.token_hex(16))

    def headers(self) -> dict:
        return {
            "Content-Type": "application/json",
            "Cookie": f"sessionid={self.session}; csrftoken={self.csrf}",
            "X-CSRFToken": self.csrf,
            "Referer": "http://127.0.0.1/",
        }


def session_for(user) -> Credentials:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return Credentials(session=client.cookies["sessionid"].value)


@dataclass
class Run:
    statuses: list[int]
    latencies: list[float]
    seconds: float
    events: int

    @property
    def requests(self) -> int:
        return len(self.statuses)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def send_all(
    *,
    port: int,
    jobs: list[tuple[Credentials, str, bytes, int]],
    clients: int = 16,
) -> Run:
    """POST every (credentials, path, body, events) job from `clients` threads."""
    lock = threading.Lock()
    queue = list(reversed(jobs))
    statuses: list[int] = []
    latencies: list[float] = []
    events = sum(job[3] for job in jobs)

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                creds, path, body, _n = queue.pop()
            t0 = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=creds.headers())
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            elapsed = time.perf_counter() - t0
            with lock:
                statuses.append(status)
                latencies.append(elapsed)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Run(statuses, latencies, time.perf_counter() - t0, events)


def body(events: list[dict]) -> bytes:
    return json.dumps({"events": events}).encode()
