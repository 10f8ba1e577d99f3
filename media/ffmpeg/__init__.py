"""The ffmpeg layer: probe, plan, transcode and caption conversion.

No Django ORM here: functions take paths and limits and return dataclasses, so
services, tasks, commands and bench scripts share one implementation.
"""

from .captions import captions_to_webvtt
from .errors import CaptionError, MediaRejected, TranscodeFailed
from .ladder import Rung, plan_ladder
from .probe import MediaLimits, ProbeResult, probe_media
from .transcode import (
    RenditionOutput,
    TranscodeResult,
    transcode_media,
    transcode_timeout,
)

__all__ = [
    "CaptionError",
    "MediaLimits",
    "MediaRejected",
    "ProbeResult",
    "RenditionOutput",
    "Rung",
    "TranscodeFailed",
    "TranscodeResult",
    "captions_to_webvtt",
    "plan_ladder",
    "probe_media",
    "transcode_media",
    "transcode_timeout",
]
