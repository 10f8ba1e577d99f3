"""What a trainer sees while writing a lesson: its length and what it costs to watch.

Workers study in short breaks on prepaid phone data, so a lesson shows its
estimated minutes (video plus reading time) and the data its videos use at the
default rendition; past LESSON_WARN_MINUTES the editor is warned, never blocked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

# Silent reading speed, from the International Reading Speed Texts study
# (Trauzettel-Klosinski & Dietz, IOVS 2012, "Standardized Assessment of Reading
# Performance: The New International Reading Speed Texts IReST"): Chinese adults
# read 255 ± 29 characters a minute and English 228 ± 30 words a minute. We use
# the means: a worker on a phone does not read faster than a lab reader.
CJK_CHARACTERS_PER_MINUTE = 255
LATIN_WORDS_PER_MINUTE = 228

# CJK ideographs (the unified block and extension A, compatibility ideographs).
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:['’.-][A-Za-z0-9]+)*")


def _block_texts(block_type: str, value) -> Iterable[str]:
    if block_type == "scene":
        yield value.get("title") or ""
        yield value.get("setting") or ""
    elif block_type == "narration":
        yield value.get("text") or ""
    elif block_type == "dialogue":
        speaker = value.get("speaker")
        if speaker is not None:
            yield speaker.name
        yield value.get("line") or ""
    elif block_type == "decision":
        yield value.get("prompt") or ""
        for option in value.get("options") or []:
            yield option.get("label") or ""
            yield option.get("consequence") or ""
    elif block_type == "key_points":
        yield value.get("title") or ""
        yield from (str(point) for point in value.get("points") or [])
    elif block_type == "practice":
        yield value.get("title") or ""
        yield value.get("instructions") or ""


def script_plain_text(script) -> str:
    """The words a learner reads in a script, one block per line, for search and timing.

    Blocks other than the story's own (a video, a later quiz) contribute nothing.
    """
    lines = []
    for child in script or []:
        lines.extend(
            text.strip() for text in _block_texts(child.block_type, child.value) if text
        )
    return "\n".join(line for line in lines if line)


def reading_seconds(text: str) -> float:
    """Reading time of mixed Chinese and Latin text, in seconds."""
    cjk = len(_CJK.findall(text))
    words = len(_LATIN_WORD.findall(_CJK.sub(" ", text)))
    return cjk * 60 / CJK_CHARACTERS_PER_MINUTE + words * 60 / LATIN_WORDS_PER_MINUTE


@dataclass(frozen=True)
class VideoClip:
    """The part of a video a lesson plays."""

    video: object
    seconds: float
    bytes: int | None  # None: no published rendition to measure yet


def _clip_seconds(duration: float, start: int | None, end: int | None) -> float:
    duration = max(float(duration or 0), 0.0)
    begin = min(max(float(start or 0), 0.0), duration)
    finish = duration if end is None else min(max(float(end), 0.0), duration)
    return max(finish - begin, 0.0)


def _clip_bytes(video, seconds: float) -> int | None:
    rendition = video.rendition_for(settings.LESSON_DEFAULT_RENDITION)
    if rendition is None:
        return None
    duration = float(video.duration or 0)
    if rendition.size_bytes and duration > 0:
        # The published stream's measured size, pro rata for the clip.
        return math.ceil(rendition.size_bytes * seconds / duration)
    return math.ceil(rendition.bandwidth * seconds / 8)


def lesson_video_clips(script) -> list[VideoClip]:
    clips = []
    for child in script or []:
        if child.block_type != "video":
            continue
        video = child.value.get("video")
        if video is None:
            continue
        seconds = _clip_seconds(
            video.duration, child.value.get("start"), child.value.get("end")
        )
        clips.append(
            VideoClip(video=video, seconds=seconds, bytes=_clip_bytes(video, seconds))
        )
    return clips


@dataclass(frozen=True)
class LessonEstimate:
    video_seconds: float
    reading_seconds: float
    data_bytes: int
    unmeasured_videos: list = field(default_factory=list)

    @property
    def minutes(self) -> int:
        total = self.video_seconds + self.reading_seconds
        return math.ceil(total / 60) if total > 0 else 0

    @property
    def too_long(self) -> bool:
        return self.minutes > settings.LESSON_WARN_MINUTES


def lesson_estimate(script) -> LessonEstimate:
    clips = lesson_video_clips(script)
    return LessonEstimate(
        video_seconds=sum(clip.seconds for clip in clips),
        reading_seconds=reading_seconds(script_plain_text(script)),
        data_bytes=sum(clip.bytes or 0 for clip in clips),
        unmeasured_videos=[clip.video for clip in clips if clip.bytes is None],
    )


def format_megabytes(num_bytes: int) -> str:
    return f"{num_bytes / 1_000_000:.1f} MB"


def lesson_length_warning(estimate: LessonEstimate) -> str | None:
    """The editor's warning past the limit; saving is never blocked by it."""
    if not estimate.too_long:
        return None
    return _(
        "这节微课预计需要 %(minutes)d 分钟，超过了 %(limit)d 分钟。"
        "社工多在碎片时间用手机学习，建议拆成两节。"
    ) % {"minutes": estimate.minutes, "limit": settings.LESSON_WARN_MINUTES}
