"""Run ffmpeg/ffprobe as a child that never outlives its time limit or its parent.

The child gets its own session (process group), so a timeout or a SIGTERM to the
worker kills ffmpeg and anything it spawned in one ``killpg``. On Linux the child
also asks the kernel for SIGKILL when the worker dies (PR_SET_PDEATHSIG), which
covers the one case no handler can: the worker itself being SIGKILLed, e.g. by
Celery's hard time limit.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import selectors
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

logger = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
STDERR_TAIL_BYTES = 8192


def _die_with_parent(parent_pid: int) -> Callable[[], None]:
    def preexec() -> None:  # runs in the child between fork and exec
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except Exception:  # noqa: BLE001 - best effort; killpg still applies
            pass
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


class ProcessTimeout(Exception):
    def __init__(self, argv: Sequence[str], timeout: float, stderr: str):
        super().__init__(f"{argv[0]} exceeded {timeout:.0f} s")
        self.timeout = timeout
        self.stderr = stderr


@dataclass
class ProcessResult:
    returncode: int
    stdout: str
    stderr: str


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the child's whole process group and reap the child."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        proc.wait(timeout=10)


class _SigtermGuard:
    """While the child runs, a SIGTERM to us first kills its group, then does
    whatever SIGTERM did before (Celery's handler, or the default: exit).

    Installed before the child starts, so a SIGTERM that lands between fork and
    the end of Popen is not lost: it is acted on once the child is known.
    """

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.pending: tuple | None = None
        self.previous = None
        self.active = threading.current_thread() is threading.main_thread()

    def __enter__(self) -> _SigtermGuard:
        if self.active:
            self.previous = signal.getsignal(signal.SIGTERM)
            signal.signal(signal.SIGTERM, self._handle)
        return self

    def attach(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        if self.pending:
            self._handle(*self.pending)

    def _handle(self, signum, frame) -> None:
        if self.proc is None:
            self.pending = (signum, frame)
            return
        kill_group(self.proc)
        self._restore()
        if callable(self.previous):
            self.previous(signum, frame)
        elif self.previous in (signal.SIG_DFL, None):
            os.kill(os.getpid(), signal.SIGTERM)

    def _restore(self) -> None:
        if self.active and signal.getsignal(signal.SIGTERM) == self._handle:
            signal.signal(signal.SIGTERM, self.previous)

    def __exit__(self, *exc) -> None:
        self._restore()


def run_process(
    argv: Sequence[str],
    *,
    timeout: float,
    on_stdout_line: Callable[[str], None] | None = None,
) -> ProcessResult:
    """Run ``argv`` in its own process group; raise ProcessTimeout after ``timeout``.

    stdout is read line by line (ffmpeg's ``-progress pipe:1``); stderr goes to a
    temporary file so a chatty child can never block on a full pipe.
    """
    deadline = time.monotonic() + timeout
    stdout_lines: list[str] = []
    with tempfile.TemporaryFile() as err, _SigtermGuard() as guard:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            start_new_session=True,
            preexec_fn=_die_with_parent(os.getpid()),
        )
        try:
            guard.attach(proc)
            timed_out = _pump(proc, deadline, stdout_lines, on_stdout_line)
            if timed_out:
                kill_group(proc)
            else:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            kill_group(proc)
            timed_out = True
        finally:
            # Any exit path (an exception in a progress callback, SystemExit from a
            # signal handler) takes the whole group down with it.
            if proc.poll() is None:
                kill_group(proc)
            else:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)  # grandchildren left behind
            if proc.stdout:
                proc.stdout.close()
        err.seek(0, os.SEEK_END)
        size = err.tell()
        err.seek(max(0, size - STDERR_TAIL_BYTES))
        stderr = err.read().decode("utf-8", "replace")
    if timed_out:
        raise ProcessTimeout(argv, timeout, stderr)
    return ProcessResult(proc.returncode, "".join(stdout_lines), stderr)


def _pump(proc, deadline, stdout_lines, on_stdout_line) -> bool:
    """Read stdout until EOF; return True if the deadline passed first."""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    buffer = b""
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return True
            if not sel.select(timeout=min(remaining, 1.0)):
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for raw in lines:
                line = raw.decode("utf-8", "replace")
                stdout_lines.append(line + "\n")
                if on_stdout_line:
                    on_stdout_line(line)
    finally:
        sel.close()
    if buffer:
        stdout_lines.append(buffer.decode("utf-8", "replace"))
    return False


class ProgressParser:
    """Turns ffmpeg ``-progress`` key=value lines into a 0..1 fraction."""

    def __init__(self, duration: float, callback: Callable[[float], None]):
        self.duration = max(duration, 0.001)
        self.callback = callback
        self.last = -1.0

    def __call__(self, line: str) -> None:
        key, _, value = line.partition("=")
        if key == "out_time_us" and value.strip().lstrip("-").isdigit():
            fraction = min(1.0, max(0.0, int(value) / 1e6 / self.duration))
        elif key == "progress" and value.strip() == "end":
            fraction = 1.0
        else:
            return
        if fraction - self.last >= 0.01 or (fraction == 1.0 and self.last < 1.0):
            self.last = fraction
            self.callback(fraction)
