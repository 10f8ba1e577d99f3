"""Replacing a video's file re-transcodes it; deleting it removes every output."""

import re
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from media.models import RetiredOutputs, Video
from media.services import (
    TranscodeOutcome,
    retired_outputs_purge,
    transcode_not_sent,
    video_create,
    video_transcode,
)
from tests.factories import trainer
from tests.media.conftest import storage_files
from tests.media.factories import ReadyVideoFactory, VideoCaptionFactory, VideoFactory


@pytest.mark.django_db
def test_replacing_the_file_in_the_admin_queues_a_new_transcode(
    client, other_clip, transcode_queue, django_capture_on_commit_callbacks
):
    original = f"lesson-{uuid.uuid4().hex[:8]}.mp4"
    video = ReadyVideoFactory(
        attempts=2, progress=100, file=ContentFile(b"old", name=original)
    )
    old_name = video.file.name
    client.force_login(trainer())
    # The same file name as before: originals are stored under fresh random names.
    upload = SimpleUploadedFile(original, other_clip.read_bytes(), "video/mp4")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailmedia:edit", args=(video.pk,)),
            {"title": video.title, "file": upload},
        )
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.file.name != old_name
    assert re.fullmatch(r"originals/[0-9a-f]{32}\.mp4", video.file.name)
    assert (video.status, video.attempts, video.progress) == ("queued", 0, 0)
    assert (video.width, video.height) == (320, 240)  # probed from the new file
    assert transcode_queue.video_ids() == [video.pk]


@pytest.mark.django_db
def test_saving_without_a_new_file_does_not_requeue(
    transcode_queue, django_capture_on_commit_callbacks
):
    video = ReadyVideoFactory()
    with django_capture_on_commit_callbacks(execute=True):
        video.title = "新标题"
        video.save()
    video.refresh_from_db()
    assert video.status == Video.Status.READY
    assert len(transcode_queue) == 0


@pytest.mark.django_db
def test_deleting_a_video_removes_all_its_outputs(django_capture_on_commit_callbacks):
    video = VideoFactory()
    for name in ("a1/master.m3u8", "a1/270p/index.m3u8", "stale/x.m4s"):
        default_storage.save(f"videos/{video.pk}/{name}", ContentFile(b"#"))
    assert len(storage_files(f"videos/{video.pk}")) == 3

    with django_capture_on_commit_callbacks(execute=True):
        video.delete()

    assert storage_files(f"videos/{video.pk}") == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_retranscode_after_replacement_keeps_old_outputs_until_tokens_expire(
    tiny_clip, other_clip
):
    with tiny_clip.open("rb") as fh:
        video = video_create(file=File(fh, name="a.mp4"), title="a", enqueue=False)
    video_transcode(video_id=video.pk)
    video.refresh_from_db()
    old_prefix = video.output_prefix

    with other_clip.open("rb") as fh:
        video.file = File(fh, name="b.mp4")
        with transcode_not_sent():
            video.save()
    assert Video.objects.get(pk=video.pk).status == Video.Status.QUEUED
    assert video_transcode(video_id=video.pk) == TranscodeOutcome.READY

    video.refresh_from_db()
    assert video.output_prefix != old_prefix
    assert storage_files(video.output_prefix)
    assert video.renditions.get().width == 320  # the new file's single rung
    # A learner streaming the previous version keeps it while a token may live.
    assert storage_files(old_prefix)
    assert retired_outputs_purge() == 0
    assert storage_files(old_prefix)

    later = timezone.now() + timedelta(seconds=settings.MEDIA_PLAY_TOKEN_SECONDS + 61)
    assert retired_outputs_purge(now=later) > 0
    assert storage_files(old_prefix) == []
    assert storage_files(video.output_prefix)
    assert not RetiredOutputs.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_deleting_a_transcoded_video_leaves_nothing_in_storage(tiny_clip):
    with tiny_clip.open("rb") as fh:
        video = video_create(file=File(fh, name="a.mp4"), title="a", enqueue=False)
    video_transcode(video_id=video.pk)
    video.refresh_from_db()
    source = video.file.name
    assert storage_files(f"videos/{video.pk}")

    video.delete()

    assert storage_files(f"videos/{video.pk}") == []
    assert not default_storage.exists(source)


@pytest.mark.django_db
def test_deleting_a_video_removes_its_caption_files(django_capture_on_commit_callbacks):
    caption = VideoCaptionFactory()
    name = caption.file.name
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        caption.video.delete()

    assert not default_storage.exists(name)


@pytest.mark.django_db
def test_deleting_in_the_admin_removes_outputs(
    client, django_capture_on_commit_callbacks
):
    video = ReadyVideoFactory()
    default_storage.save(f"videos/{video.pk}/tok/master.m3u8", ContentFile(b"#"))
    assert storage_files(f"videos/{video.pk}")
    client.force_login(trainer())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wagtailmedia:delete", args=(video.pk,)))
    assert response.status_code == 302
    assert not Video.objects.filter(pk=video.pk).exists()
    assert storage_files(f"videos/{video.pk}") == []
