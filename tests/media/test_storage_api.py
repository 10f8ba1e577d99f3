"""Every output goes through Django's storage API: the whole job runs on a storage
that is not a file system (as S3 would be), and nothing lands in MEDIA_ROOT."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import File
from django.core.files.storage import InMemoryStorage, default_storage
from django.test import override_settings

from media.models import Video
from media.services import TranscodeOutcome, video_create, video_transcode
from media.services.outputs import video_delete_outputs
from tests.media.conftest import storage_files

pytestmark = pytest.mark.django_db


IN_MEMORY = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": settings.STORAGES["staticfiles"],
}


def _files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() and p.suffix != ".log"}


@override_settings(STORAGES=IN_MEMORY)
def test_transcode_job_runs_on_a_storage_that_is_not_a_file_system(tiny_clip):
    before = _files_under(Path(settings.MEDIA_ROOT))
    assert isinstance(default_storage, InMemoryStorage)

    with tiny_clip.open("rb") as fh:
        video = video_create(file=File(fh, name="s3.mp4"), title="s3", enqueue=False)
    assert video_transcode(video_id=video.pk) == TranscodeOutcome.READY

    video.refresh_from_db()
    assert video.status == Video.Status.READY
    assert default_storage.exists(video.hls_master_name)
    assert default_storage.open(video.hls_master_name).read().startswith(b"#EXTM3U")
    assert storage_files(video.output_prefix)

    video_delete_outputs(video_id=video.pk)
    assert storage_files(f"videos/{video.pk}") == []
    assert _files_under(Path(settings.MEDIA_ROOT)) == before
