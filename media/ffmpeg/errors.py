"""Errors raised by the ffmpeg layer.

Each carries a plain-language ``reason`` for the trainer who uploaded the file.
Reasons are lazy translations: they render in whatever language is active when
they are turned into text (the worker stores them in the site language), and
they stay usable where Django settings are not configured (bench scripts).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext


def _render(message: str, params: dict) -> str:
    text = gettext(message) if settings.configured else message
    return text % params if params else text


_lazy_render = lazy(_render, str)


def reason(message: str, **params) -> str:
    """A translatable reason, formatted with ``params`` when it is rendered."""
    return _lazy_render(message, params)


class MediaRejected(Exception):
    """The upload is refused before any transcoding.

    ``code`` names the rule that refused it (for logs, tests and metrics);
    ``reason`` is what the trainer reads.
    """

    def __init__(self, reason: str, *, code: str = "rejected", detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.detail = detail

    def __str__(self) -> str:
        return str(self.reason)


class TranscodeFailed(Exception):
    """ffmpeg failed or timed out on a file that passed validation.

    ``detail`` keeps the tail of ffmpeg's log for operators; it is not shown to
    trainers.
    """

    def __init__(self, reason: str, *, detail: str = "", timed_out: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail
        self.timed_out = timed_out

    def __str__(self) -> str:
        return str(self.reason)


class CaptionError(Exception):
    """A caption file is refused; ``line_no`` is the 1-based line that is wrong."""

    def __init__(self, line_no: int, reason: str):
        super().__init__(reason)
        self.line_no = line_no
        self.reason = reason

    def __str__(self) -> str:
        return str(self.reason)
