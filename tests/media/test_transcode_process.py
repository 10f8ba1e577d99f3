"""The ffmpeg child never outlives its time limit or the worker that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from media.ffmpeg.process import ProcessTimeout, ProgressParser, run_process
from tests.deps import require_binary

ROOT = Path(__file__).resolve().parents[2]


def alive_in_group(pgid: int) -> list[int]:
    """Processes (not zombies) whose process group is ``pgid``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            found.append(int(proc.name))
    return found


def wait_until(predicate, timeout=5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_timeout_kills_the_whole_process_group(tmp_path):
    pid_file = tmp_path / "pid"
    # The child starts a grandchild, as a shell wrapper or ffmpeg helper might.
    script = f"echo $$ > {pid_file}; sleep 60 & sleep 60; wait"
    with pytest.raises(ProcessTimeout):
        run_process(["sh", "-c", script], timeout=0.5)
    pgid = int(pid_file.read_text())
    assert wait_until(lambda: alive_in_group(pgid) == [])


def spawn_worker(tmp_path: Path) -> tuple[subprocess.Popen, int]:
    """A Python process standing in for a Celery worker, running a long ffmpeg."""
    require_binary("ffmpeg")
    code = textwrap.dedent(
        """
        from media.ffmpeg.process import run_process
        run_process(
            ["ffmpeg", "-nostdin", "-v", "error", "-re", "-f", "lavfi",
             "-i", "testsrc=size=64x64:rate=10", "-t", "60", "-f", "null", "-"],
            timeout=120,
        )
        """
    )
    worker = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    children: list[int] = []

    def ffmpeg_started() -> bool:
        children[:] = [
            int(p.name)
            for p in Path("/proc").iterdir()
            if p.name.isdigit() and _parent(p) == worker.pid and _is_ffmpeg(p)
        ]
        return bool(children)

    assert wait_until(ffmpeg_started, timeout=20), "ffmpeg did not start"
    return worker, children[0]


def _is_ffmpeg(proc: Path) -> bool:
    try:
        return (proc / "cmdline").read_bytes().startswith(b"ffmpeg\0")
    except OSError:
        return False


def _parent(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def test_sigterm_to_the_worker_kills_ffmpeg(tmp_path):
    worker, ffmpeg_pid = spawn_worker(tmp_path)
    os.kill(worker.pid, signal.SIGTERM)
    worker.wait(timeout=10)
    assert wait_until(lambda: gone(ffmpeg_pid))


def test_sigkill_to_the_worker_kills_ffmpeg(tmp_path):
    # No handler runs on SIGKILL; the kernel's parent-death signal does the work.
    worker, ffmpeg_pid = spawn_worker(tmp_path)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    assert wait_until(lambda: gone(ffmpeg_pid))


def test_ffmpeg_runs_in_its_own_process_group(tmp_path):
    worker, ffmpeg_pid = spawn_worker(tmp_path)
    try:
        assert os.getpgid(ffmpeg_pid) == ffmpeg_pid != os.getpgid(worker.pid)
    finally:
        worker.kill()
        worker.wait(timeout=10)


def test_progress_lines_become_fractions_of_the_duration():
    seen: list[float] = []
    parser = ProgressParser(10.0, seen.append)
    for line in ["frame=1", "out_time_us=2500000", "out_time_us=N/A",
                 "out_time_us=5000000", "progress=end"]:  # fmt: skip
        parser(line)
    assert seen == [0.25, 0.5, 1.0]
