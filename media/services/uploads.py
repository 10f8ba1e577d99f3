"""Accepting an upload: probe it first, refuse it with a reason, or create the row.

Validation runs ffprobe inside the upload request (bounded by a short timeout and
the same whitelists as the worker) so that a trainer sees why a file is refused on
the upload form itself; transcoding never runs in a request.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from django.conf import settings
from django.core.files import File
from django.db import transaction
from wagtail.models import Collection

from media.ffmpeg.probe import MediaLimits, ProbeResult, probe_media
from media.models import Video
from media.services.jobs import transcode_not_sent

MediaKind = Literal["video", "audio", "any"]


@contextlib.contextmanager
def _local_path(file: File) -> Iterator[Path]:
    """A path on local disk holding the upload's bytes (ffprobe needs a file)."""
    temporary_path = getattr(file, "temporary_file_path", None)
    if callable(temporary_path):
        yield Path(temporary_path())
        return
    raw_name = getattr(getattr(file, "file", file), "name", None)
    if isinstance(raw_name, str) and Path(raw_name).is_file():
        yield Path(raw_name)  # already a local file (the import command)
        return
    suffix = Path(file.name or "").suffix.lower()[:8]
    with tempfile.TemporaryDirectory(prefix="weiketang-probe-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        if hasattr(file, "seek"):
            file.seek(0)
        with path.open("wb") as out:
            if hasattr(file, "chunks"):
                for chunk in file.chunks():
                    out.write(chunk)
            else:
                shutil.copyfileobj(file, out)
        if hasattr(file, "seek"):
            file.seek(0)
        yield path


def video_probe_upload(*, file: File, kind: MediaKind = "video") -> ProbeResult:
    """Probe an uploaded file; raise MediaRejected with the trainer's reason."""
    expect = kind if kind in ("video", "audio") else "any"
    with _local_path(file) as path:
        return probe_media(
            path,
            limits=MediaLimits.from_settings(),
            expect=expect,
            timeout=settings.MEDIA_PROBE_TIMEOUT_SECONDS,
            ffprobe=settings.FFPROBE_BINARY,
        )


def video_apply_probe(*, video: Video, probe: ProbeResult) -> None:
    """Copy what the probe learnt onto an unsaved row."""
    video.type = "audio" if probe.kind == "audio" else "video"
    video.duration = round(probe.duration or 0, 3)
    video.width = probe.width if probe.has_video else None
    video.height = probe.height if probe.has_video else None


def video_create(
    *,
    file: File,
    title: str,
    collection: Collection | None = None,
    uploaded_by=None,
    kind: MediaKind = "video",
    enqueue: bool = True,
) -> Video:
    """Validate and store an upload exactly as the admin form does.

    Raises MediaRejected (the probe refused it) or ValidationError (the model's own
    checks, e.g. the file extension). With ``enqueue`` the transcode task is sent
    when the transaction commits; without it the caller runs the job itself.
    """
    probe = video_probe_upload(file=file, kind=kind)
    video = Video(
        title=title,
        collection=collection or Collection.get_first_root_node(),
        uploaded_by_user=uploaded_by,
    )
    video_apply_probe(video=video, probe=probe)
    video.file = File(file, name=Path(file.name).name)
    video.full_clean(exclude=["thumbnail", "uploaded_by_user"])
    with (
        transaction.atomic(),
        contextlib.nullcontext() if enqueue else transcode_not_sent(),
    ):
        video.save()
    return video
