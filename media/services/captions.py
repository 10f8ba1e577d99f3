"""Caption tracks: SRT or WebVTT in, validated WebVTT stored through storage."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction

from media.ffmpeg.captions import MAX_CAPTION_BYTES, captions_to_webvtt
from media.models import Video, VideoCaption

logger = logging.getLogger(__name__)


def caption_attach(
    *, video: Video, language: str, file, label: str = ""
) -> VideoCaption:
    """Attach (or replace) the caption track of a language.

    Raises media.ffmpeg.errors.CaptionError (with the wrong line's number) when
    the file is refused.
    """
    if language not in VideoCaption.Language.values:
        raise ValueError(f"unsupported caption language {language!r}")
    # Read one byte past the limit so that captions_to_webvtt refuses it by size.
    data = file.read(MAX_CAPTION_BYTES + 1)
    webvtt = captions_to_webvtt(data, filename=getattr(file, "name", "") or "")
    with transaction.atomic():
        caption = (
            VideoCaption.objects.select_for_update()
            .filter(video=video, language=language)
            .first()
        )
        old_name = caption.file.name if caption else ""
        if caption is None:
            caption = VideoCaption(video=video, language=language)
        caption.label = label
        caption.file.save("captions.vtt", ContentFile(webvtt.encode()), save=False)
        caption.save()
        if old_name:
            storage = caption.file.storage
            transaction.on_commit(lambda: storage.delete(old_name), robust=True)
    return caption


def caption_delete(*, caption: VideoCaption) -> None:
    """Delete a caption track (its file goes via the post_delete signal)."""
    caption.delete()
