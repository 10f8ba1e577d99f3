"""video_create: validation by probing before a row exists, and the task on commit."""

import pytest
from django.core.files import File

from media.ffmpeg.errors import MediaRejected
from media.models import Video
from media.services import video_create

pytestmark = pytest.mark.django_db


def test_video_create_stores_probe_facts_and_queues(tiny_clip, transcode_queue):
    with tiny_clip.open("rb") as fh:
        video = video_create(file=File(fh, name="楼组.mp4"), title="楼组众筹")

    video.refresh_from_db()
    assert video.status == Video.Status.QUEUED
    assert (video.type, video.width, video.height) == ("video", 160, 120)
    assert video.duration == pytest.approx(2.0, abs=0.2)
    assert video.file.storage.exists(video.file.name)
    assert video.queued_at is not None


def test_video_create_sends_the_task_only_on_commit(
    tiny_clip, transcode_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with tiny_clip.open("rb") as fh:
            video = video_create(file=File(fh, name="a.mp4"), title="a")
        assert len(transcode_queue) == 0  # nothing sent inside the transaction
    for callback in callbacks:
        callback()
    assert transcode_queue.video_ids() == [video.pk]


def test_video_create_without_enqueue_sends_nothing(
    tiny_clip, transcode_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with tiny_clip.open("rb") as fh:
            video_create(file=File(fh, name="a.mp4"), title="a", enqueue=False)
    assert len(transcode_queue) == 0


def test_refused_file_raises_with_a_reason_and_creates_nothing(broken_clip):
    with broken_clip.open("rb") as fh, pytest.raises(MediaRejected) as refused:
        video_create(file=File(fh, name="broken.mp4"), title="坏文件")
    assert str(refused.value.reason).strip()
    assert not Video.objects.exists()


def test_audio_upload_is_an_audio_item(tiny_audio):
    with tiny_audio.open("rb") as fh:
        video = video_create(file=File(fh, name="tone.m4a"), title="声音", kind="any")
    assert (video.type, video.width, video.height) == ("audio", None, None)


def test_audio_file_is_refused_as_a_video(tiny_audio):
    with tiny_audio.open("rb") as fh, pytest.raises(MediaRejected):
        video_create(file=File(fh, name="tone.m4a"), title="声音", kind="video")
