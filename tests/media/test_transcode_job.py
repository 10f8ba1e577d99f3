"""One attempt of the transcode job, end to end with ffmpeg and file storage."""

import pytest
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from media.models import Video
from media.services import (
    TranscodeOutcome,
    transcode_not_sent,
    transcoding,
    video_claim,
    video_create,
    video_transcode,
)
from tests.media.conftest import storage_files

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _upload(path, title="楼组议事") -> Video:
    with path.open("rb") as fh:
        return video_create(file=File(fh, name=path.name), title=title, enqueue=False)


def test_transcode_publishes_renditions_and_outputs(tiny_clip):
    video = _upload(tiny_clip)

    assert video_transcode(video_id=video.pk) == TranscodeOutcome.READY

    video.refresh_from_db()
    assert video.status == Video.Status.READY and video.is_ready
    assert (video.progress, video.attempts, video.claim_token) == (100, 1, "")
    assert video.output_prefix.startswith(f"videos/{video.pk}/")
    renditions = list(video.renditions.all())
    assert renditions and all(r.bandwidth > 0 for r in renditions)
    for name in [video.hls_master_name, video.mp4_name, video.poster_name] + [
        r.playlist_name for r in renditions
    ]:
        assert name.startswith(video.output_prefix + "/")
        assert default_storage.exists(name), name


def test_audio_is_published_as_an_audio_rendition(tiny_audio):
    with tiny_audio.open("rb") as fh:
        video = video_create(
            file=File(fh, name="tone.m4a"), title="声音", kind="any", enqueue=False
        )
    assert video_transcode(video_id=video.pk) == TranscodeOutcome.READY
    video.refresh_from_db()
    assert video.type == "audio"
    assert [r.profile for r in video.renditions.all()] == ["audio"]
    assert video.poster_name == ""


def test_second_delivery_after_success_does_nothing(tiny_clip):
    video = _upload(tiny_clip)
    video_transcode(video_id=video.pk)
    video.refresh_from_db()
    prefix, renditions = video.output_prefix, video.renditions.count()

    assert video_transcode(video_id=video.pk) == TranscodeOutcome.SKIPPED

    video.refresh_from_db()
    assert (video.output_prefix, video.attempts) == (prefix, 1)
    assert video.renditions.count() == renditions


def test_file_refused_in_the_worker_fails_with_the_reason(tiny_clip):
    video = _upload(tiny_clip)
    # The stored source no longer is what was validated (e.g. swapped in storage).
    name = video.file.name
    default_storage.delete(name)
    default_storage.save(name, ContentFile(b"not a video at all" * 100))

    assert video_transcode(video_id=video.pk) == TranscodeOutcome.FAILED

    video.refresh_from_db()
    assert video.status == Video.Status.FAILED
    assert video.error.strip()
    assert not video.renditions.exists() and not video.is_ready


def test_stale_duplicate_cannot_publish(tiny_clip, monkeypatch):
    """While an attempt transcodes, its claim is taken over (the file was replaced,
    or its lease expired and another worker claimed it): it must not publish."""
    video = _upload(tiny_clip)
    real_upload = transcoding.upload_tree
    stale_prefixes = []

    def takeover_then_upload(*, local_dir, prefix, storage=None):
        Video.objects.filter(pk=video.pk).update(lease_expires_at=None)
        assert video_claim(video_id=video.pk, worker="the other worker")
        stale_prefixes.append(prefix)
        return real_upload(local_dir=local_dir, prefix=prefix, storage=storage)

    monkeypatch.setattr(transcoding, "upload_tree", takeover_then_upload)

    assert video_transcode(video_id=video.pk) == TranscodeOutcome.SKIPPED

    video.refresh_from_db()
    assert video.status == Video.Status.PROCESSING  # still the other worker's
    assert video.claimed_by == "the other worker"
    assert (video.output_prefix, video.hls_master_name) == ("", "")
    assert not video.renditions.exists()
    assert storage_files(stale_prefixes[0]) == []  # its uploads were removed


def test_failure_mid_upload_keeps_the_published_outputs(
    tiny_clip, other_clip, monkeypatch
):
    video = _upload(tiny_clip)
    video_transcode(video_id=video.pk)
    video.refresh_from_db()
    old = video.output_prefix
    old_files = storage_files(old)
    old_renditions = list(video.renditions.values_list("profile", "playlist_name"))

    # A new file is uploaded; the storage breaks after three uploaded outputs.
    with other_clip.open("rb") as fh:
        video.file = File(fh, name="other.mp4")
        with transcode_not_sent():
            video.save()
    real_save = default_storage.save
    seen = []

    def flaky_save(name, content, max_length=None):
        if name.startswith(f"videos/{video.pk}/") and not name.startswith(old):
            # Outputs are invisible while they upload: the row still points
            # at nothing new and is not ready.
            row = Video.objects.get(pk=video.pk)
            assert row.status == Video.Status.PROCESSING
            assert row.output_prefix == old
            seen.append(name)
            if len(seen) > 3:
                raise OSError("storage went away")
        return real_save(name, content, max_length=max_length)

    monkeypatch.setattr(default_storage, "save", flaky_save)

    with pytest.raises(OSError):
        video_transcode(video_id=video.pk)

    video.refresh_from_db()
    assert video.status == Video.Status.QUEUED  # given back for another attempt
    assert video.output_prefix == old
    assert list(video.renditions.values_list("profile", "playlist_name")) == (
        old_renditions
    )
    assert storage_files(old) == old_files
    assert len(seen) == 4  # it did fail half-way through the upload
    assert storage_files(f"videos/{video.pk}") == old_files  # no half-published prefix


def test_missing_source_fails_with_a_reason_instead_of_retrying(tiny_clip):
    video = _upload(tiny_clip)
    default_storage.delete(video.file.name)

    assert video_transcode(video_id=video.pk) == TranscodeOutcome.FAILED

    video.refresh_from_db()
    assert (video.status, video.attempts) == (Video.Status.FAILED, 1)
    assert "重新上传" in video.error


def test_progress_is_written_while_ffmpeg_runs(clip_dir, monkeypatch):
    from tests.media.clips import make_clip

    clip = clip_dir / "progress.mp4"
    if not clip.exists():
        make_clip(clip, duration=20, size="640x360")
    video = _upload(clip)
    seen = []
    report = transcoding.ProgressReporter.__call__

    def report_and_look(self, fraction):
        report(self, fraction)
        row = Video.objects.get(pk=video.pk)
        seen.append((row.status, row.progress))

    monkeypatch.setattr(transcoding.ProgressReporter, "__call__", report_and_look)

    assert video_transcode(video_id=video.pk) == TranscodeOutcome.READY
    percents = [percent for status, percent in seen if status == "processing"]
    assert any(0 < percent < 100 for percent in percents), seen
    assert percents == sorted(percents)
    assert Video.objects.get(pk=video.pk).progress == 100
