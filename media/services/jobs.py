"""The transcode job's life cycle around Celery's at-least-once delivery.

Celery may deliver a task twice (redelivery after a lost worker, the visibility
timeout, reconciliation); the row decides who works. A worker claims a row with
one conditional UPDATE and holds a lease it renews while it runs; a dead worker's
lease expires and the row becomes claimable again. The attempts counter stops a
file that kills its worker every time.
"""

from __future__ import annotations

import logging
import os
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
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


def _claimable(now: datetime) -> Q:
    """Queued rows, and processing rows whose worker stopped renewing its lease."""
    return Q(status=Video.Status.QUEUED) | Q(
        Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True),
        status=Video.Status.PROCESSING,
    )


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
    video_id = video.pk
    _ffmpeg, soft, hard = video_transcode_time_limits(duration=video.duration)

    def send() -> None:
        from media.tasks import transcode_video

        transcode_video.apply_async(
            args=[video_id], soft_time_limit=soft, time_limit=hard
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
    claimed = Video.objects.filter(
        _claimable(now),
        pk=video_id,
        attempts__lt=settings.MEDIA_TRANSCODE_MAX_ATTEMPTS,
    ).update(
        status=Video.Status.PROCESSING,
        attempts=F("attempts") + 1,
        claim_token=token,
        claimed_at=now,
        claimed_by=worker[:255],
        lease_expires_at=now + _lease(),
        progress=0,
        error="",
    )
    if claimed:
        return token
    exhausted = Video.objects.filter(
        _claimable(now),
        pk=video_id,
        attempts__gte=settings.MEDIA_TRANSCODE_MAX_ATTEMPTS,
    ).update(
        status=Video.Status.FAILED,
        error=gettext(
            "转码进程在处理这个文件时多次意外中断（%(attempts)d 次），已停止重试。"
            "请确认文件能在电脑上正常播放，或先转换成 MP4 再上传。"
        )
        % {"attempts": settings.MEDIA_TRANSCODE_MAX_ATTEMPTS},
        claim_token="",
        lease_expires_at=None,
        progress=0,
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


def video_retry(*, video: Video, user) -> bool:
    """Queue a failed video again with a fresh attempts budget (trainer's action)."""
    from wagtail.permissions import policy_registry

    policy = policy_registry.get_by_type(Video)
    if not policy.user_has_permission_for_instance(user, "change", video):
        raise PermissionDenied
    with transaction.atomic():
        reset = Video.objects.filter(pk=video.pk, status=Video.Status.FAILED).update(
            status=Video.Status.QUEUED,
            error="",
            progress=0,
            attempts=0,
            claim_token="",
            lease_expires_at=None,
            queued_at=timezone.now(),
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
    expired = Q(
        Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True),
        status=Video.Status.PROCESSING,
    )
    waiting = Q(
        Q(queued_at__lt=queued_before) | Q(queued_at__isnull=True),
        status=Video.Status.QUEUED,
    )
    resent = 0
    for video in Video.objects.filter(expired | waiting).only("pk", "duration"):
        with transaction.atomic():
            # Conditional again: the worker may have renewed or finished meanwhile.
            requeued = Video.objects.filter(expired | waiting, pk=video.pk).update(
                status=Video.Status.QUEUED,
                claim_token="",
                lease_expires_at=None,
                queued_at=now,
            )
            if requeued:
                video_enqueue_transcode(video=video)
                resent += 1
    if resent:
        logger.info("reconciliation re-sent %d transcode jobs", resent)
    return resent
