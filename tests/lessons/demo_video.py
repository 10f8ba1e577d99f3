"""A real transcoded video with a Chinese caption track, for browser tests and bench."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files import File
from django.core.files.base import ContentFile

from media.models import Video
from media.services.captions import caption_attach
from media.services.transcoding import TranscodeOutcome, video_transcode
from media.services.uploads import video_create
from tests.media.clips import make_clip

CAPTION_TEXT = "大家好,我是社区规划师。"
CAPTION_VTT = f"WEBVTT\n\n00:00:00.000 --> 00:00:30.000\n{CAPTION_TEXT}\n"


def transcoded_video(
    *, duration: float = 6, size: str = "320x240", title: str = "楼组议事会"
) -> Video:
    """Upload a generated clip, transcode it inline and attach a zh-hans caption."""
    with tempfile.TemporaryDirectory() as tmp:
        clip = make_clip(
            Path(tmp) / "demo.mp4", duration=duration, size=size, pix_fmt="yuv420p"
        )
        with clip.open("rb") as handle:
            video = video_create(
                file=File(handle, name="demo.mp4"), title=title, enqueue=False
            )
    outcome = video_transcode(video_id=video.pk)
    if outcome != TranscodeOutcome.READY:
        video.refresh_from_db()
        raise AssertionError(f"transcode ended {outcome}: {video.error}")
    caption_attach(
        video=video,
        language="zh-hans",
        file=ContentFile(CAPTION_VTT.encode(), name="zh.vtt"),
        label="中文",
    )
    video.refresh_from_db()
    return video
