"""FFMPEG_BINARY / FFPROBE_BINARY: the system check and /healthz judge the binaries
the pipeline really runs."""

import shutil
import stat

import pytest
from django.core.checks import run_checks
from django.core.files import File
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.urls import reverse

from media.checks import ffmpeg_problems
from media.services import TranscodeOutcome, video_create, video_transcode
from tests.deps import require_binary


def script(path, body: str) -> str:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def logging_wrapper(tmp_path, name: str) -> tuple[str, object]:
    """A binary that notes each call, then runs the real one."""
    real = require_binary(name)
    log = tmp_path / f"{name}.calls"
    return script(tmp_path / name, f'echo "$@" >> {log}\nexec {real} "$@"\n'), log


@pytest.mark.django_db
def test_a_binary_that_does_not_run_fails_the_check_and_healthz(tmp_path, client):
    broken = script(tmp_path / "ffmpeg", "exit 1\n")
    with override_settings(FFMPEG_BINARY=broken):
        errors = [e for e in run_checks() if e.id == "media.E001"]
        with pytest.raises(SystemCheckError, match="FFMPEG_BINARY"):
            call_command("check")
        response = client.get(reverse("healthz"))
    assert [e.msg for e in errors] == [
        f"FFMPEG_BINARY {broken!r} does not run: {broken} -encoders exited 1"
    ]
    assert response.status_code == 503
    assert response.json()["failed"] == ["ffmpeg"]


def test_an_ffmpeg_without_libx264_fails_the_check(tmp_path):
    real = require_binary("ffmpeg")
    # Lists every encoder but libx264, as a build without GPL codecs would.
    no_x264 = script(
        tmp_path / "ffmpeg",
        f'if [ "$2" = "-encoders" ]; then {real} "$@" | grep -v " libx264 "; '
        f'else exec {real} "$@"; fi\n',
    )
    assert ffmpeg_problems(no_x264, shutil.which("ffprobe")) == [
        f"{no_x264} lacks the encoders libx264"
    ]
    assert ffmpeg_problems() == []  # Debian's ffmpeg has all it needs


def test_a_missing_ffprobe_fails_the_check(tmp_path):
    missing = str(tmp_path / "no-such-ffprobe")
    with override_settings(FFPROBE_BINARY=missing):
        assert [e.id for e in run_checks() if e.id.startswith("media.")] == [
            "media.E001"
        ]


@pytest.mark.django_db(transaction=True)
def test_the_pipeline_runs_the_configured_binaries(tmp_path, tiny_clip):
    ffmpeg, ffmpeg_calls = logging_wrapper(tmp_path, "ffmpeg")
    ffprobe, ffprobe_calls = logging_wrapper(tmp_path, "ffprobe")
    with override_settings(FFMPEG_BINARY=ffmpeg, FFPROBE_BINARY=ffprobe):
        with tiny_clip.open("rb") as fh:
            video = video_create(file=File(fh, name="a.mp4"), title="a", enqueue=False)
        assert ffprobe_calls.read_text()  # the upload's probe
        assert video_transcode(video_id=video.pk) == TranscodeOutcome.READY
    calls = ffmpeg_calls.read_text().splitlines()
    assert any("-f hls" in call for call in calls)  # the transcode
    assert any("+faststart" in call for call in calls)  # the MP4 fallback


@pytest.mark.django_db(transaction=True)
def test_a_broken_configured_ffprobe_refuses_uploads(tmp_path, tiny_clip):
    from media.ffmpeg.errors import MediaRejected

    with override_settings(FFPROBE_BINARY=script(tmp_path / "ffprobe", "exit 1\n")):
        with tiny_clip.open("rb") as fh, pytest.raises(MediaRejected):
            video_create(file=File(fh, name="a.mp4"), title="a", enqueue=False)
