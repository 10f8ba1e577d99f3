"""The job on a real Celery worker process and Redis, and a worker killed mid-job."""

import json
import os
import signal
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.core.files import File
from django.utils import timezone

from media.models import Video
from media.services import video_create, video_reconcile, video_transcode_time_limits
from media.services.transcoding import _workdir_prefix
from media.tasks import transcode_video
from tests.deps import require_binary
from tests.media.clips import make_clip
from tests.media.conftest import storage_files
from tests.media.test_import_video import import_video
from tests.media.workers import (
    Worker,
    alive,
    children_named,
    processes_mentioning,
    wait_for,
    worker_env,
)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _status(video_id: int) -> Video:
    return Video.objects.get(pk=video_id)


def test_upload_is_transcoded_by_a_worker(celery_worker_process, tiny_clip):
    with tiny_clip.open("rb") as fh:
        video = video_create(file=File(fh, name="楼组.mp4"), title="楼组议事")

    wait_for(
        lambda: _status(video.pk).status in ("ready", "failed"),
        timeout=180,
        interval=0.5,
        what="the worker to finish the transcode",
    )
    video.refresh_from_db()
    assert (video.status, video.error, video.attempts) == ("ready", "", 1)
    assert video.claimed_by.split(":")[-1].isdigit()  # a worker process did it
    assert int(video.claimed_by.split(":")[-1]) != os.getpid()
    rendition = video.renditions.get()  # a 160x120 source gets one rung
    assert (rendition.width, rendition.height) == (160, 120)
    assert storage_files(video.output_prefix)


@pytest.mark.parametrize("kill", ["child", "whole-worker"])
def test_killed_worker_leaves_no_ffmpeg_and_the_job_finishes_once(clip_dir, kill):
    """SIGKILL mid-transcode: either the pool child running the task (its message
    is rejected back to the queue), or the whole worker (its message stays
    unacknowledged until the visibility timeout; a fresh worker takes over)."""
    require_binary("ffmpeg")
    clip = clip_dir / "kill.mp4"
    if not clip.exists():
        make_clip(clip, duration=30, size="640x360")
    with clip.open("rb") as fh:
        video = video_create(
            file=File(fh, name="kill.mp4"), title="杀进程", enqueue=False
        )
    queue = f"transcode-kill-{uuid.uuid4().hex[:6]}"
    # A short lease, so the dead worker's claim expires within the test.
    env = worker_env(MEDIA_TRANSCODE_LEASE_SECONDS="3")
    worker = Worker(queues=[queue, "transcode"], env=env)
    try:
        _ffmpeg, soft, hard = video_transcode_time_limits(duration=video.duration)
        transcode_video.apply_async(
            args=[video.pk], queue=queue, soft_time_limit=soft, time_limit=hard
        )
        claimed = wait_for(
            lambda: _status(video.pk).claimed_by,
            timeout=60,
            what="a worker to claim the video",
        )
        child = int(claimed.split(":")[-1])
        ffmpeg = wait_for(
            lambda: children_named(child, "ffmpeg"),
            timeout=60,
            what="the worker to start ffmpeg",
        )[0]

        # An OOM kill, a hard time limit, a crash; or the machine's operator.
        if kill == "child":
            os.kill(child, signal.SIGKILL)
        else:
            os.killpg(worker.proc.pid, signal.SIGKILL)
            worker.proc.wait()
            worker.stop()

        wait_for(lambda: not alive(ffmpeg), timeout=10, what="ffmpeg to die")
        assert processes_mentioning(_workdir_prefix(video.pk)) == []
        killed = _status(video.pk)
        assert killed.status == Video.Status.PROCESSING  # nothing half-published
        assert (killed.output_prefix, killed.hls_master_name) == ("", "")
        assert not killed.renditions.exists()
        assert storage_files(f"videos/{video.pk}") == []

        if kill == "whole-worker":
            # Its message waits out the visibility timeout; a fresh worker and
            # reconciliation (beat runs it every minute; here the test does) take
            # over once the dead worker's lease has expired.
            worker = Worker(queues=[queue, "transcode"], env=env)
        # A killed pool process: its task is rejected back to the queue and the
        # same worker, seeing the claim's holder is gone, resumes it at once.
        deadline = time.monotonic() + 240
        while _status(video.pk).status not in ("ready", "failed"):
            assert time.monotonic() < deadline, "the job never finished"
            row = _status(video.pk)
            expired = row.lease_expires_at < timezone.now()
            if kill == "whole-worker" and row.status == "processing" and expired:
                video_reconcile()
            time.sleep(0.5)
    finally:
        worker.stop()

    video.refresh_from_db()
    assert (video.status, video.error) == (Video.Status.READY, "")
    assert video.attempts == 2  # the killed attempt and the one that finished
    assert sorted(video.renditions.values_list("profile", flat=True)) == [
        "270p",
        "360p",
    ]
    # One published set of outputs; the killed attempt left no work dir behind.
    assert {name.split("/")[2] for name in storage_files(f"videos/{video.pk}")} == {
        video.output_prefix.split("/")[2]
    }
    leftovers = list(Path(tempfile.gettempdir()).glob(_workdir_prefix(video.pk) + "*"))
    assert leftovers == []


def test_import_video_wait_returns_when_a_worker_finished(
    celery_worker_process, tiny_clip
):
    done = import_video(str(tiny_clip), "--title", "等待", "--wait", "--json")

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    video = Video.objects.get(pk=report["id"])
    assert report["status"] == video.status == Video.Status.READY
    assert int(video.claimed_by.split(":")[-1]) != celery_worker_process.pid
    assert video.claimed_by != "import_video"  # a worker did it, not the command
    assert len(report["renditions"]) == video.renditions.count() == 1


def test_soft_time_limit_fails_the_job_and_stops_ffmpeg(
    celery_worker_process, clip_dir
):
    clip = make_clip(clip_dir / "slow.mp4", duration=30, size="640x360")
    with clip.open("rb") as fh:
        video = video_create(
            file=File(fh, name="slow.mp4"), title="太长", enqueue=False
        )

    transcode_video.apply_async(args=[video.pk], soft_time_limit=2, time_limit=30)

    wait_for(
        lambda: _status(video.pk).status in ("ready", "failed"),
        timeout=120,
        interval=0.2,
        what="the soft time limit to end the job",
    )
    video.refresh_from_db()
    assert video.status == Video.Status.FAILED
    assert "重试" in video.error  # the reason tells the trainer what to do
    assert processes_mentioning(_workdir_prefix(video.pk)) == []
    assert not video.renditions.exists()
