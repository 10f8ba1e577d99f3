"""Ingest a video or audio file from the shell exactly as an admin upload would.

    python manage.py import_video PATH [--title T] [--collection C]
                                       [--inline | --wait] [--json]

Exit status: 0 when the video is ready (or queued, without --inline/--wait),
1 when it was refused or failed, 2 on usage errors.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Collection

from media.ffmpeg.errors import MediaRejected
from media.models import Video
from media.services import video_create, video_transcode, video_transcode_time_limits

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
POLL_SECONDS = 1.0


class UsageError(CommandError):
    def __init__(self, message: str):
        super().__init__(message, returncode=EXIT_USAGE)


class Command(BaseCommand):
    help = "Import a video or audio file (same validation and task as an upload)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the video or audio file to import")
        parser.add_argument("--title", help="title (default: the file name)")
        parser.add_argument(
            "--collection", help="collection name or id (default: the root)"
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--inline", action="store_true", help="transcode in this process"
        )
        mode.add_argument(
            "--wait", action="store_true", help="wait for a worker to transcode it"
        )
        parser.add_argument(
            "--timeout",
            type=float,
            help="with --wait: give up after this many seconds (default: the "
            "task's hard time limit plus the reconciliation delay)",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
        collection = self._collection(options["collection"])
        title = options["title"] or path.stem
        try:
            with path.open("rb") as fh:
                video = video_create(
                    file=File(fh, name=path.name),
                    title=title,
                    collection=collection,
                    kind="any",
                    enqueue=not options["inline"],
                )
        except MediaRejected as exc:
            return self._finish(options, None, refused=str(exc.reason))
        except ValidationError as exc:
            return self._finish(options, None, refused=" ".join(exc.messages))

        if options["inline"]:
            video_transcode(video_id=video.pk, worker="import_video")
        elif options["wait"]:
            self._wait(video, options["timeout"])
        video.refresh_from_db()
        finished = video.status in (Video.Status.READY, Video.Status.FAILED)
        if (options["inline"] or options["wait"]) and not finished:
            video.error = video.error or (
                f"still {video.status}; is a worker running on the transcode queue?"
            )
            return self._finish(options, video, unfinished=True)
        return self._finish(options, video)

    def _collection(self, value: str | None) -> Collection | None:
        if not value:
            return None
        found = Collection.objects.filter(name=value).first()
        if found is None and value.isdigit():
            found = Collection.objects.filter(pk=int(value)).first()
        if found is None:
            raise UsageError(f"no such collection: {value}")
        return found

    def _wait(self, video: Video, timeout: float | None) -> None:
        if timeout is None:
            _ffmpeg, _soft, hard = video_transcode_time_limits(duration=video.duration)
            timeout = hard + 120
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            video.refresh_from_db()
            if video.status in (Video.Status.READY, Video.Status.FAILED):
                return
            state = (video.status, video.progress)
            if state != last:
                last = state
                self.stderr.write(f"{video.get_status_display()} {video.progress}%")
            time.sleep(POLL_SECONDS)

    def _finish(
        self,
        options,
        video: Video | None,
        refused: str = "",
        unfinished: bool = False,
    ):
        report = _report(video, refused)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        elif refused:
            self.stderr.write(f"refused: {refused}")
        else:
            self.stdout.write(
                f"video {video.pk}: {video.get_status_display()}"
                + (f" ({video.error})" if video.error else "")
            )
        status = report["status"]
        if unfinished or status in ("refused", Video.Status.FAILED):
            sys.exit(EXIT_FAILED)
        # Ready, or queued for a worker when neither --inline nor --wait was given.


def _local_path(name: str) -> str | None:
    if not name:
        return None
    try:
        return default_storage.path(name)
    except NotImplementedError:
        return None


def _report(video: Video | None, refused: str = "") -> dict:
    if video is None:
        return {
            "id": None,
            "status": "refused",
            "error": refused,
            "duration": None,
            "width": None,
            "height": None,
            "renditions": [],
        }
    report = {
        "id": video.pk,
        "status": video.status,
        "error": video.error,
        "duration": video.duration,
        "width": video.width,
        "height": video.height,
        "renditions": [
            {
                "name": r.profile,
                "width": r.width,
                "height": r.height,
                "bandwidth": r.bandwidth,
            }
            for r in video.renditions.all()
        ],
    }
    if _storage_has_paths():
        report["hls_master_path"] = _local_path(video.hls_master_name)
        report["mp4_path"] = _local_path(video.mp4_name)
        report["poster_path"] = _local_path(video.poster_name)
    return report


def _storage_has_paths() -> bool:
    try:
        default_storage.path("probe")
    except NotImplementedError:
        return False
    return True
