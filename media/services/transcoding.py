"""One transcode attempt: claim, work in a private temp dir, publish in one step.

Publishing uploads every output under a fresh prefix first (invisible: nothing
points there yet), then one transaction switches the row to it, writes the
renditions and sets ready, but only while this attempt still holds the claim. A
stale duplicate (its claim was taken over or reset) deletes its own uploads.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import posixpath
import shutil
import tempfile
import threading
import time
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils.translation import gettext

from media.ffmpeg.errors import MediaRejected, TranscodeFailed, reason
from media.ffmpeg.probe import MediaLimits, probe_media
from media.ffmpeg.transcode import TranscodeResult, transcode_media
from media.models import Video, VideoRendition
from media.services.jobs import (
    video_attempt_failed,
    video_attempt_released,
    video_claim,
    video_mark_ready,
    video_renew_lease,
    video_report_progress,
    video_take_over_dead_claim,
    video_transcode_time_limits,
)
from media.services.outputs import (
    delete_other_prefixes,
    delete_tree,
    upload_tree,
    video_outputs_retire,
    video_retired_prefixes,
)

logger = logging.getLogger(__name__)


class TranscodeOutcome(enum.StrEnum):
    READY = "ready"
    FAILED = "failed"
    SKIPPED = "skipped"  # not claimable: done, failed, or another worker holds it


class ClaimLost(Exception):
    """This attempt no longer owns the row (reset, replaced, or taken over)."""


def video_transcode(*, video_id: int, worker: str = "") -> TranscodeOutcome:
    """Run one attempt of the transcode job for a video, if it can be claimed."""
    token = video_claim(video_id=video_id, worker=worker)
    if token is None and video_take_over_dead_claim(video_id=video_id, worker=worker):
        token = video_claim(video_id=video_id, worker=worker)
    if token is None:
        return TranscodeOutcome.SKIPPED
    video = Video.objects.get(pk=video_id)
    _remove_leftover_workdirs(video_id)
    workdir = Path(tempfile.mkdtemp(prefix=_workdir_prefix(video_id)))
    heartbeat = LeaseHeartbeat(video_id=video_id, token=token)
    heartbeat.start()
    try:
        result = _transcode_in(workdir, video=video, token=token, heartbeat=heartbeat)
        _publish(video=video, token=token, out_dir=workdir / "out", result=result)
        logger.info("video %s ready (attempt %s)", video_id, video.attempts)
        return TranscodeOutcome.READY
    except (MediaRejected, TranscodeFailed) as exc:
        logger.warning("video %s failed: %s %s", video_id, exc, _detail(exc))
        video_attempt_failed(video_id=video_id, token=token, reason=str(exc.reason))
        return TranscodeOutcome.FAILED
    except SoftTimeLimitExceeded:
        logger.warning("video %s hit the task's soft time limit", video_id)
        video_attempt_failed(
            video_id=video_id,
            token=token,
            reason=gettext(
                "转码用时超过了上限。请剪短视频或降低分辨率后重新上传，或稍后点“重试”。"
            ),
        )
        return TranscodeOutcome.FAILED
    except ClaimLost:
        logger.info("video %s: attempt superseded, nothing published", video_id)
        return TranscodeOutcome.SKIPPED
    except BaseException:
        # Unexpected (storage or database trouble, worker shutdown): give the row
        # back to the queue; reconciliation sends it again, attempts stay counted.
        video_attempt_released(video_id=video_id, token=token)
        raise
    finally:
        heartbeat.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def _workdir_prefix(video_id: int) -> str:
    # Tagged with the database, so installations sharing a temp dir never
    # mistake each other's video ids.
    db = connection.settings_dict
    tag = hashlib.sha1(f"{db['HOST']}:{db['PORT']}/{db['NAME']}".encode()).hexdigest()
    return f"weiketang-transcode-{tag[:8]}-{video_id}-"


def _remove_leftover_workdirs(video_id: int) -> None:
    """A SIGKILLed attempt runs no cleanup; its successor (which now holds the
    claim) removes what it left in this machine's temp dir."""
    for path in Path(tempfile.gettempdir()).glob(f"{_workdir_prefix(video_id)}*"):
        logger.info("removing the leftover work dir %s", path)
        shutil.rmtree(path, ignore_errors=True)


def _detail(exc: Exception) -> str:
    detail = getattr(exc, "detail", "")
    return detail[-2000:] if detail else ""


def _transcode_in(
    workdir: Path, *, video: Video, token: str, heartbeat: LeaseHeartbeat
) -> TranscodeResult:
    source = workdir / f"source{Path(video.file.name).suffix.lower()[:8]}"
    try:
        with video.file.open("rb") as src, source.open("wb") as dst:
            shutil.copyfileobj(src, dst, length=1024 * 1024)
    except FileNotFoundError as exc:
        raise MediaRejected(
            reason("找不到上传的文件，请重新上传。"), code="source_missing"
        ) from exc
    expect = video.type if video.type in ("video", "audio") else "any"
    probe = probe_media(
        source,
        limits=MediaLimits.from_settings(),
        expect=expect,
        timeout=settings.MEDIA_PROBE_TIMEOUT_SECONDS,
        ffprobe=settings.FFPROBE_BINARY,
    )
    ffmpeg_timeout, _soft, _hard = video_transcode_time_limits(duration=probe.duration)
    out_dir = workdir / "out"
    out_dir.mkdir()
    return transcode_media(
        source=source,
        probe=probe,
        out_dir=out_dir,
        timeout=ffmpeg_timeout,
        on_progress=ProgressReporter(
            video_id=video.pk, token=token, heartbeat=heartbeat
        ),
        ffmpeg_binary=settings.FFMPEG_BINARY,
    )


def _publish(
    *, video: Video, token: str, out_dir: Path, result: TranscodeResult
) -> None:
    prefix = video.new_output_prefix(token)
    upload_tree(local_dir=out_dir, prefix=prefix)
    with transaction.atomic():
        previous = (
            Video.objects.filter(pk=video.pk)
            .values_list("output_prefix", flat=True)
            .first()
        )
        # The switch: succeeds only while this attempt still holds the claim.
        switched = video_mark_ready(
            video_id=video.pk,
            token=token,
            output_prefix=prefix,
            hls_master_name=posixpath.join(prefix, result.master),
            mp4_name=posixpath.join(prefix, result.mp4) if result.mp4 else "",
            poster_name=posixpath.join(prefix, result.poster) if result.poster else "",
            duration=round(result.duration, 3),
            type="audio" if result.audio_only else "video",
        )
        if switched:
            _write_renditions(video=video, prefix=prefix, result=result)
            # Learners may be streaming the previous outputs: they stay until
            # their playback tokens expire (media.tasks.purge_retired_outputs).
            if previous and previous != prefix:
                video_outputs_retire(video_id=video.pk, prefix=previous)
            # Interrupted attempts' uploads go once the switch is committed.
            keep = {prefix, *video_retired_prefixes(video_id=video.pk)}
            transaction.on_commit(
                lambda: delete_other_prefixes(video_id=video.pk, keep=keep)
            )
    if not switched:
        delete_tree(prefix)
        raise ClaimLost


def _write_renditions(*, video: Video, prefix: str, result: TranscodeResult) -> None:
    profiles = [output.rung.name for output in result.renditions]
    VideoRendition.objects.filter(video=video).exclude(profile__in=profiles).delete()
    for output in result.renditions:
        VideoRendition.objects.update_or_create(
            video=video,
            profile=output.rung.name,
            defaults={
                "width": output.rung.width or None,
                "height": output.rung.height or None,
                "bandwidth": output.bandwidth or output.rung.bandwidth,
                "playlist_name": posixpath.join(prefix, output.playlist),
                "size_bytes": output.size_bytes,
            },
        )


class LeaseHeartbeat(threading.Thread):
    """Renews the claim's lease while the attempt runs, from its own connection.

    If the worker dies the renewals stop and the lease expires, making the row
    claimable again; if a renewal finds the claim gone, `lost` is set and the
    attempt stops at its next progress report.
    """

    def __init__(self, *, video_id: int, token: str):
        super().__init__(name=f"lease-{video_id}", daemon=True)
        self.video_id = video_id
        self.token = token
        self.lost = threading.Event()
        self._stopped = threading.Event()
        self.interval = max(0.5, settings.MEDIA_TRANSCODE_LEASE_SECONDS / 3)

    def run(self) -> None:
        try:
            while not self._stopped.wait(self.interval):
                try:
                    renewed = video_renew_lease(
                        video_id=self.video_id, token=self.token
                    )
                except Exception:  # noqa: BLE001 - retry at the next beat
                    logger.exception("lease renewal failed for video %s", self.video_id)
                    continue
                if not renewed:
                    self.lost.set()
                    return
        finally:
            connections.close_all()

    def stop(self) -> None:
        self._stopped.set()
        if self.is_alive():
            self.join(timeout=10)


class ProgressReporter:
    """Writes ffmpeg's progress (0..1) to the row at most once a second."""

    def __init__(self, *, video_id: int, token: str, heartbeat: LeaseHeartbeat):
        self.video_id = video_id
        self.token = token
        self.heartbeat = heartbeat
        self.percent = -1
        self.written_at = 0.0

    def __call__(self, fraction: float) -> None:
        if self.heartbeat.lost.is_set():
            raise ClaimLost
        percent = max(0, min(99, int(fraction * 100)))
        now = time.monotonic()
        if percent == self.percent or now - self.written_at < 1.0:
            return
        self.percent, self.written_at = percent, now
        video_report_progress(video_id=self.video_id, token=self.token, percent=percent)
