"""A gate in front of the live server, so that a test's database flush never meets
a request still running from the test before.

A browser test ends while its page may still have a request on the way: progress.js
posts its queue on a timer and on pagehide with fetch keepalive, which the browser
finishes even after the context is closed. Such a request, running while
pytest-django flushes the database for the next test, holds locks the flush needs
(the flush then fails) or meets the closed database blocker (a 500 in the log).
Between tests the gate answers 503 without entering Django, and the teardown waits
until the requests already inside have finished.
"""

import threading
import time


class LiveServerGate:
    def __init__(self, app):
        self.app = app
        self._open = True
        self._inside = 0
        self._changed = threading.Condition()

    def __call__(self, environ, start_response):
        with self._changed:
            if not self._open:
                start_response("503 Service Unavailable", [("Content-Length", "0")])
                return [b""]
            self._inside += 1
        try:
            result = self.app(environ, start_response)
        except BaseException:
            self._leave()
            raise
        return _Closing(result, self._leave)

    def open(self) -> None:
        with self._changed:
            self._open = True

    def close_and_drain(self, *, timeout: float = 15.0) -> None:
        """Refuse new requests and wait for the ones inside (response closed)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            self._open = False
            while self._inside:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError(
                        f"{self._inside} live-server request(s) still running "
                        f"{timeout:.0f} s after the test ended"
                    )
                self._changed.wait(left)

    def _leave(self) -> None:
        with self._changed:
            self._inside -= 1
            self._changed.notify_all()


class _Closing:
    """The response iterable; leaving the gate once the server has closed it
    (Django's request_finished handlers run in close())."""

    def __init__(self, result, on_close):
        self._result = result
        self._on_close = on_close

    def __iter__(self):
        return iter(self._result)

    def close(self):
        try:
            close = getattr(self._result, "close", None)
            if close is not None:
                close()
        finally:
            self._on_close()
