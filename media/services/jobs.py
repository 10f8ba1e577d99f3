"""The transcode job's life cycle around Celery's at-least-once delivery.

Celery may deliver a task twice (redelivery after a lost worker, the visibility
timeout, reconciliation); the row decides who works. A worker claims a row with
one conditional UPDATE and holds a lease it renews while it runs; a dead worker's
lease expires and the row becomes claimable again. The attempts counter stops a
file that kills its worker every time.

Every change of a video's job state (Video.status and the fields that go with
it) is written here: the requeue and fail helpers, the claim, the lease, the
progress and the switch to ready. Rows states are read through VideoQuerySet
(`claimable(now)`, `lease_expired(now)`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from media.ffmpeg.transcode import transcode_timeout
from media.models import Video

logger = logging.getLogger(__name__)

# Time after ffmpeg's own limit for copying the source and uploading the outputs.
PUBLISH_ALLOWANCE_SECONDS = 120
# Between Celery's soft limit (an exception in the task) and its hard kill.
HARD_LIMIT_MARGIN_SECONDS = 30


def _lease() -> timedelta:
    return timedelta(seconds=settings.MEDIA_TRANSCODE_LEASE_SECONDS)


_sending_suppressed: ContextVar[bool] = ContextVar("transcode_not_sent", default=False)


@contextlib.contextmanager
def transcode_not_sent() -> Iterator[None]:
    """Within this block a new file queues the row but sends no task (the caller
    runs the job itself: the demo, the import command's --inline, tests)."""
    reset = _sending_suppressed.set(True)
    try:
        yield
    finally:
        _sending_suppressed.reset(reset)


def _requeue_values(now: datetime, *, fresh: bool) -> dict:
    """The fields of a row put (back) in the queue; fresh: a new budget of attempts
    and no old error (a new file, the trainer's retry)."""
    values = {
        "status": Video.Status.QUEUED,
        "progress": 0,
        "claim_token": "",
        "lease_expires_at": None,
        "queued_at": now,
    }
    if fresh:
        values.update(error="", attempts=0)
    return values


def _failed_values(reason: str) -> dict:
    return {
        "status": Video.Status.FAILED,
        "error": reason,
        "progress": 0,
        "claim_token": "",
        "lease_expires_at": None,
    }


def video_requeue(
    *, videos: QuerySet[Video], fresh: bool = False, now: datetime | None = None
) -> int:
    """Put the given rows back in the queue (one conditional UPDATE); return how
    many. The caller sends the task (video_enqueue_transcode) if it should."""
    return videos.update(**_requeue_values(now or timezone.now(), fresh=fresh))


def video_fail(*, videos: QuerySet[Video], reason: str) -> int:
    """Mark the given rows failed with the trainer's reason; return how many."""
    return videos.update(**_failed_values(reason))


def video_file_changed(*, video: Video) -> None:
    """A new file is about to be saved on this row (pre_save): queue it afresh and
    send the task once the save commits.

    A row created in another state (a fixture, an import of published outputs)
    is left as it is.
    """
    if video.pk is None and video.status != Video.Status.QUEUED:
        return
    for name, value in _requeue_values(timezone.now(), fresh=True).items():
        setattr(video, name, value)
    if not _sending_suppressed.get():
        video_enqueue_transcode(video=video)


def video_transcode_time_limits(*, duration: float) -> tuple[float, float, float]:
    """(ffmpeg timeout, Celery soft limit, Celery hard limit) for a source.

    The hard limit never exceeds CELERY_TASK_HARD_TIME_LIMIT_MAX, which stays
    below the Redis visibility timeout: a task outliving it would be delivered to
    a second worker while still running.
    """
    duration = duration or settings.MEDIA_MAX_DURATION_SECONDS
    ceiling = settings.CELERY_TASK_HARD_TIME_LIMIT_MAX
    hard = min(
        transcode_timeout(duration)
        + PUBLISH_ALLOWANCE_SECONDS
        + HARD_LIMIT_MARGIN_SECONDS,
        ceiling,
    )
    soft = hard - HARD_LIMIT_MARGIN_SECONDS
    ffmpeg = min(transcode_timeout(duration), soft - PUBLISH_ALLOWANCE_SECONDS)
    return float(ffmpeg), float(soft), float(hard)


def video_enqueue_transcode(*, video: Video) -> None:
    """Send the transcode task once the current transaction commits.

    A broker outage must not lose the upload: the row is already queued, and
    reconciliation re-sends it; so a failing send is logged, not raised.
    """

    def send() -> None:
        from media.tasks import transcode_video

        # Read at commit: a new row has its id only once it is saved.
        _ffmpeg, soft, hard = video_transcode_time_limits(duration=video.duration)
        transcode_video.apply_async(
            args=[video.pk], soft_time_limit=soft, time_limit=hard
        )

    transaction.on_commit(send, robust=True)


def video_claim(
    *, video_id: int, worker: str = "", now: datetime | None = None
) -> str | None:
    """Claim the row for one attempt; return the claim token, or None.

    None means someone else holds a live lease, the row is ready or failed, or the
    attempts limit was reached (then the row is failed with a reason).
    """
    now = now or timezone.now()
    token = uuid.uuid4().hex
    claimed = (
        Video.objects.claimable(now)
        .filter(
            pk=video_id,
            attempts__lt=settings.MEDIA_TRANSCODE_MAX_ATTEMPTS,
        )
        .update(
            status=Video.Status.PROCESSING,
            attempts=F("attempts") + 1,
            claim_token=token,
            claimed_at=now,
            claimed_by=worker[:255],
            lease_expires_at=now + _lease(),
            progress=0,
            error="",
        )
    )
    if claimed:
        return token
    exhausted = video_fail(
        videos=Video.objects.claimable(now).filter(
            pk=video_id, attempts__gte=settings.MEDIA_TRANSCODE_MAX_ATTEMPTS
        ),
        reason=gettext(
            "转码进程在处理这个文件时多次意外中断（%(attempts)d 次），已停止重试。"
            "请确认文件能在电脑上正常播放，或先转换成 MP4 再上传。"
        )
        % {"attempts": settings.MEDIA_TRANSCODE_MAX_ATTEMPTS},
    )
    if exhausted:
        logger.warning("video %s failed: attempts limit reached", video_id)
    return None


def video_take_over_dead_claim(
    *, video_id: int, worker: str, now: datetime | None = None
) -> bool:
    """End the lease of a claim held by a process of this same worker that no
    longer exists; return True if it did.

    When a pool process is killed, Celery rejects its task back to the queue
    (reject_on_worker_lost) and the same worker receives it again at once, while
    the dead process's lease is still live. Its "host:pid" identity lets the new
    process see that the holder is gone instead of waiting for the lease to
    expire. Another machine's claim is never judged here: only its lease can.
    """
    host, _, _pid = worker.rpartition(":")
    row = (
        Video.objects.filter(pk=video_id, status=Video.Status.PROCESSING)
        .values("claimed_by", "claim_token")
        .first()
    )
    if not host or row is None or not row["claim_token"]:
        return False
    holder_host, _, holder_pid = row["claimed_by"].rpartition(":")
    if holder_host != host or not holder_pid.isdigit():
        return False
    if int(holder_pid) == os.getpid() or _process_exists(int(holder_pid)):
        return False
    now = now or timezone.now()
    ended = Video.objects.filter(
        pk=video_id, claim_token=row["claim_token"], status=Video.Status.PROCESSING
    ).update(lease_expires_at=now - timedelta(microseconds=1))
    if ended:
        logger.warning(
            "video %s: claim holder %s is gone; taking over", video_id, holder_pid
        )
    return bool(ended)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A killed pool process stays a zombie until its parent reaps it.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: trust kill(0)
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X")


def video_retry(*, video: Video) -> bool:
    """Queue a failed video again with a fresh attempts budget (trainer's action;
    the view has checked the change permission)."""
    with transaction.atomic():
        reset = video_requeue(
            videos=Video.objects.filter(pk=video.pk, status=Video.Status.FAILED),
            fresh=True,
        )
        if reset:
            video.refresh_from_db()
            video_enqueue_transcode(video=video)
    return bool(reset)


def video_reconcile(*, now: datetime | None = None) -> int:
    """Re-send the task for rows stuck in queued or processing; return how many.

    Messages can be lost (a Redis restart, a cold kill before the on-commit hook
    ran) and a killed worker's message only returns after the visibility timeout.
    Processing rows whose lease expired are put back in the queue; queued rows
    waiting longer than MEDIA_RECONCILE_QUEUED_AFTER_SECONDS are sent again (a
    duplicate message is harmless: only one claim can win).
    """
    now = now or timezone.now()
    queued_before = now - timedelta(
        seconds=settings.MEDIA_RECONCILE_QUEUED_AFTER_SECONDS
    )

    def stuck():
        return Video.objects.lease_expired(now) | Video.objects.filter(
            status=Video.Status.QUEUED
        ).waiting_since(queued_before)

    resent = 0
    for video in stuck().only("pk", "duration"):
        with transaction.atomic():
            # Conditional again: the worker may have renewed or finished meanwhile.
            requeued = video_requeue(videos=stuck().filter(pk=video.pk), now=now)
            if requeued:
                video_enqueue_transcode(video=video)
                resent += 1
    if resent:
        logger.info("reconciliation re-sent %d transcode jobs", resent)
    return resent


def video_renew_lease(*, video_id: int, token: str) -> bool:
    """Extend this attempt's lease; False once the claim is gone."""
    return bool(
        Video.objects.filter(
            pk=video_id, claim_token=token, status=Video.Status.PROCESSING
        ).update(lease_expires_at=timezone.now() + _lease())
    )


def video_report_progress(*, video_id: int, token: str, percent: int) -> None:
    Video.objects.filter(pk=video_id, claim_token=token).update(progress=percent)


def video_attempt_failed(*, video_id: int, token: str, reason: str) -> None:
    """This attempt refused the file or ran out of time: the row is failed."""
    video_fail(
        videos=Video.objects.filter(pk=video_id, claim_token=token), reason=reason
    )


def video_attempt_released(*, video_id: int, token: str) -> None:
    """This attempt stopped unexpectedly: back to the queue, attempts stay counted
    (reconciliation sends it again)."""
    try:
        video_requeue(videos=Video.objects.filter(pk=video_id, claim_token=token))
    except Exception:  # noqa: BLE001 - the lease will expire on its own
        logger.exception("could not release video %s", video_id)


def video_mark_ready(*, video_id: int, token: str, **outputs) -> bool:
    """Switch the row to its new outputs and ready, only while this attempt still
    holds the claim (the conditional UPDATE locks the row); call it inside the
    transaction that writes the renditions."""
    return bool(
        Video.objects.filter(
            pk=video_id, claim_token=token, status=Video.Status.PROCESSING
        ).update(
            status=Video.Status.READY,
            progress=100,
            error="",
            claim_token="",
            lease_expires_at=None,
            transcoded_at=timezone.now(),
            **outputs,
        )
    )
