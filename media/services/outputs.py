"""Transcode outputs in storage, only through Django's storage API (S3-ready).

Every attempt uploads under its own prefix `videos/<id>/<claim token>/`; the row
points at one prefix at a time, and anything else under `videos/<id>/` is garbage
from a superseded or interrupted attempt.
"""

from __future__ import annotations

import logging
import posixpath
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.utils import timezone

from media.models import OUTPUTS_ROOT, RetiredOutputs

logger = logging.getLogger(__name__)


class StorageNameChanged(RuntimeError):
    """The storage saved a file under another name; playlists would point nowhere."""


def video_outputs_root(video_id: int) -> str:
    return posixpath.join(OUTPUTS_ROOT, str(video_id))


def upload_tree(
    *, local_dir: Path, prefix: str, storage: Storage | None = None
) -> list[str]:
    """Upload every file under local_dir to storage under prefix, keeping the
    relative layout (HLS playlists refer to their segments by relative path).

    On any failure the files uploaded so far are deleted before re-raising, so a
    failed attempt leaves nothing behind under its prefix.
    """
    storage = storage or default_storage
    uploaded: list[str] = []
    try:
        for path in sorted(p for p in local_dir.rglob("*") if p.is_file()):
            name = posixpath.join(prefix, path.relative_to(local_dir).as_posix())
            with path.open("rb") as fh:
                saved = storage.save(name, File(fh, name=path.name))
            uploaded.append(saved)
            if saved != name:
                raise StorageNameChanged(f"{name} was stored as {saved}")
    except BaseException:
        for name in uploaded:
            _delete_quietly(storage, name)
        raise
    return uploaded


def delete_tree(prefix: str, *, storage: Storage | None = None) -> int:
    """Delete every file under prefix; return how many were deleted."""
    storage = storage or default_storage
    if not prefix or prefix in (".", "/"):
        raise ValueError("refusing to delete the storage root")
    try:
        dirs, files = storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    deleted = 0
    for name in files:
        deleted += _delete_quietly(storage, posixpath.join(prefix, name))
    for name in dirs:
        deleted += delete_tree(posixpath.join(prefix, name), storage=storage)
    _remove_empty_local_dir(storage, prefix)
    return deleted


def delete_other_prefixes(*, video_id: int, keep: set[str]) -> int:
    """Delete every attempt's outputs for this video except those kept (the
    published prefix and retired ones still within their tokens' lifetime)."""
    root = video_outputs_root(video_id)
    try:
        dirs, _files = default_storage.listdir(root)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    deleted = 0
    for name in dirs:
        prefix = posixpath.join(root, name)
        if prefix not in keep:
            deleted += delete_tree(prefix)
    return deleted


def video_delete_outputs(*, video_id: int) -> int:
    """Remove every output a video ever published or half-uploaded."""
    deleted = delete_tree(video_outputs_root(video_id))
    logger.info("deleted %d output files of video %s", deleted, video_id)
    return deleted


def _delete_quietly(storage: Storage, name: str) -> int:
    try:
        storage.delete(name)
    except Exception:  # noqa: BLE001 - cleanup must not hide the real error
        logger.exception("could not delete %s from storage", name)
        return 0
    return 1


def _remove_empty_local_dir(storage: Storage, prefix: str) -> None:
    """File storage leaves empty directories behind; object stores have none."""
    try:
        path = Path(storage.path(prefix))
    except NotImplementedError:
        return
    try:
        path.rmdir()
    except OSError:
        pass


def video_outputs_retire(*, video_id: int, prefix: str) -> None:
    """Remember a prefix a new transcode switched away from (kept for a while)."""
    RetiredOutputs.objects.get_or_create(
        prefix=prefix, defaults={"video_id": video_id, "retired_at": timezone.now()}
    )


def video_retired_prefixes(*, video_id: int) -> list[str]:
    return list(
        RetiredOutputs.objects.filter(video_id=video_id).values_list(
            "prefix", flat=True
        )
    )


def retired_outputs_purge(*, now: datetime | None = None) -> int:
    """Delete retired prefixes whose playback tokens have all expired; return how
    many files went. Run by the beat task media.tasks.purge_retired_outputs."""
    now = now or timezone.now()
    # A token signed just before the switch lives MEDIA_PLAY_TOKEN_SECONDS more.
    before = now - timedelta(seconds=settings.MEDIA_PLAY_TOKEN_SECONDS + 60)
    deleted = 0
    for retired in RetiredOutputs.objects.filter(retired_at__lt=before):
        deleted += delete_tree(retired.prefix)
        retired.delete()
    if deleted:
        logger.info("deleted %d files of retired video outputs", deleted)
    return deleted
