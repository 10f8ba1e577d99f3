"""How a lesson's video reaches the phone, and what playing it transfers.

Measured on weak 4G (400 kbit/s, 150 ms RTT, bench/lesson_page.py): hls.js light
is about 120 KB compressed, seconds of download before a single segment, and its
first frame waits for a whole 4 s segment; an MP4 with its index at the front
shows its first frame as soon as the index and the first frame's bytes arrive.
So a short clip plays its MP4 directly and never loads hls.js: adaptive streaming
only pays off over a long clip, where the link can change under the learner.

The player (lessons/static/lessons/player.js) follows the engine chosen here
(data-delivery), so the lesson's data label counts what that engine transfers:
the whole MP4 for a direct video; for a streamed one the default rung's stream
for the clip and the player script (the learner's first streamed lesson
downloads it). A long video on a weak link streams too: the only MP4 today is
the 540p fallback, which would stall where hls.js holds the 270p rung.
"""

from __future__ import annotations

import gzip
import math
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders

MP4 = "mp4"
HLS = "hls"

PLAYER_SCRIPT = "vendor/hls.light.min.js"

# The MP4 fallback is a remux of the sharpest rung whose short side is at most
# this (media.ffmpeg.transcode.FALLBACK_MAX_SHORT_SIDE), so its size is that
# rung's measured size give or take a few container bytes.
FALLBACK_MAX_SHORT_SIDE = 540


@dataclass(frozen=True)
class ClipDelivery:
    engine: str  # MP4 or HLS
    media_bytes: int | None  # the clip's stream or MP4; None: not measured yet


def video_engine(video) -> str:
    """MP4 for a video up to LESSON_DIRECT_MP4_MAX_SECONDS long, hls.js beyond it.

    The whole video's length decides, not the clip's: a browser reads a
    progressive MP4 ahead of the playhead, so a short clip of a long video would
    fetch far more than the clip.
    """
    duration = float(video.duration or 0)
    if not video.mp4_name or duration > settings.LESSON_DIRECT_MP4_MAX_SECONDS:
        return HLS
    return MP4


def _short_side(rendition) -> int:
    return min(rendition.width or 0, rendition.height or 0)


def _video_renditions(video) -> list:
    return [r for r in video.renditions.all() if r.width or r.height]


def fallback_rendition_of(video):
    """The rung the MP4 fallback was remuxed from (as media's transcode picks it)."""
    renditions = _video_renditions(video)
    fitting = [r for r in renditions if _short_side(r) <= FALLBACK_MAX_SHORT_SIDE]
    if fitting:
        return max(fitting, key=lambda r: r.bandwidth)
    return min(renditions, key=lambda r: r.bandwidth, default=None)


def _rendition_bytes(rendition, video, seconds: float) -> int | None:
    if rendition is None:
        return None
    duration = float(video.duration or 0)
    if rendition.size_bytes and duration > 0:
        # The published stream's measured size, pro rata for the clip.
        return math.ceil(rendition.size_bytes * seconds / duration)
    return math.ceil(rendition.bandwidth * seconds / 8)


def clip_delivery(*, video, seconds: float) -> ClipDelivery:
    if video_engine(video) == MP4:
        # Browsers read a progressive MP4 ahead to its end: the whole file counts.
        rendition = fallback_rendition_of(video)
        whole = float(video.duration or 0)
        return ClipDelivery(
            engine=MP4, media_bytes=_rendition_bytes(rendition, video, whole)
        )
    rendition = video.rendition_for(settings.LESSON_DEFAULT_RENDITION)
    return ClipDelivery(
        engine=HLS, media_bytes=_rendition_bytes(rendition, video, seconds)
    )


@cache
def player_script_bytes() -> int:
    """hls.js as sent: gzipped, as WhiteNoise and any front proxy compress it."""
    path = finders.find(PLAYER_SCRIPT)
    if not path:
        return 0
    with open(path, "rb") as handle:
        return len(gzip.compress(handle.read(), compresslevel=6))
