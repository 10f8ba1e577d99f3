"""probe_media: what is accepted, what is refused and why (real ffprobe)."""

from __future__ import annotations

import dataclasses

import pytest

from media.ffmpeg.errors import MediaRejected
from media.ffmpeg.probe import MediaLimits, probe_media
from tests.deps import require_binary
from tests.media.clips import (
    make_audio,
    make_clip,
    make_concat_trap,
    make_hls_trap,
    make_image,
    make_truncated,
    make_zeroed_media_data,
)

LIMITS = MediaLimits(
    max_duration=1800, max_width=3840, max_height=2160, max_bytes=50 * 1024**2
)


@pytest.fixture(autouse=True)
def _ffprobe():
    require_binary("ffprobe")


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return make_clip(tmp_path_factory.mktemp("probe") / "clip.mp4", duration=2)


def rejected(path, *, limits=LIMITS, expect="any") -> MediaRejected:
    with pytest.raises(MediaRejected) as info:
        probe_media(path, limits=limits, expect=expect)
    assert str(info.value.reason)  # a message a trainer can read
    return info.value


def test_mp4_is_accepted_with_its_streams_described(clip):
    probe = probe_media(clip, limits=LIMITS, expect="video")
    assert (probe.format_name, probe.kind) == ("mov", "video")
    assert (probe.width, probe.height, probe.rotation) == (320, 240, 0)
    assert (probe.video_codec, probe.audio_codec) == ("h264", "aac")
    assert probe.has_audio and probe.has_video
    assert probe.duration == pytest.approx(2.0, abs=0.1)
    assert probe.size_bytes == clip.stat().st_size


def test_webm_is_accepted_as_matroska(tmp_path):
    clip = make_clip(tmp_path / "screen.webm", codec="libvpx", container="webm")
    probe = probe_media(clip, limits=LIMITS, expect="video")
    assert (probe.format_name, probe.video_codec, probe.audio_codec) == (
        "matroska", "vp8", "opus",
    )  # fmt: skip


def test_mp3_is_an_audio_upload(tmp_path):
    probe = probe_media(make_audio(tmp_path / "talk.mp3"), limits=LIMITS)
    assert (probe.kind, probe.format_name, probe.has_video) == ("audio", "mp3", False)


def test_rotated_phone_video_reports_its_display_size(tmp_path):
    clip = make_clip(tmp_path / "portrait.mp4", size="320x240", rotate=90)
    probe = probe_media(clip, limits=LIMITS)
    assert (probe.width, probe.height) == (240, 320)
    assert probe.rotation in (90, 270)


def test_variable_frame_rate_is_detected(tmp_path):
    clip = make_clip(tmp_path / "vfr.mp4", fps=30, vfr=True)
    assert probe_media(clip, limits=LIMITS).is_vfr


def test_constant_frame_rate_is_not_flagged_variable(clip):
    assert not probe_media(clip, limits=LIMITS).is_vfr


def test_hls_playlist_named_mp4_is_refused(tmp_path):
    canary = tmp_path / "secret.ts"
    canary.write_text("secret")
    error = rejected(make_hls_trap(tmp_path / "lesson.mp4", canary))
    assert error.code == "unrecognised"


def test_ffconcat_script_named_mp4_is_refused(tmp_path):
    canary = tmp_path / "secret.ts"
    canary.write_text("secret")
    assert rejected(make_concat_trap(tmp_path / "lesson.mp4", canary)).code == (
        "unrecognised"
    )


def test_text_file_is_refused(tmp_path):
    path = tmp_path / "notes.mp4"
    path.write_text("第一课：楼组众筹的三轮议事规则\n" * 20)
    assert rejected(path).code == "unrecognised"


def test_image_is_refused(tmp_path):
    path = tmp_path / "photo.mp4"
    path.write_bytes(make_image(tmp_path / "photo.png").read_bytes())
    assert rejected(path).code == "unrecognised"


def test_zero_byte_file_is_refused(tmp_path):
    path = tmp_path / "empty.mp4"
    path.touch()
    assert rejected(path).code == "empty"


def test_mp4_cut_before_its_index_is_refused_as_truncated(tmp_path, clip):
    assert rejected(make_truncated(clip, tmp_path / "cut.mp4")).code == "truncated"


def test_faststart_mp4_cut_midway_is_refused_as_truncated(tmp_path):
    whole = make_clip(tmp_path / "whole.mp4", duration=4, faststart=True)
    assert rejected(make_truncated(whole, tmp_path / "cut.mp4")).code == "truncated"


def test_webm_cut_midway_is_refused_as_truncated(tmp_path):
    whole = make_clip(tmp_path / "w.webm", duration=4, codec="libvpx", container="webm")
    assert rejected(make_truncated(whole, tmp_path / "cut.webm")).code == "truncated"


def test_video_upload_without_a_video_stream_is_refused(tmp_path):
    audio = make_audio(tmp_path / "voice.m4a", container="mp4")
    assert rejected(audio, expect="video").code == "no_video"


def test_video_whose_pictures_cannot_be_decoded_is_refused(tmp_path, clip):
    broken = make_zeroed_media_data(clip, tmp_path / "zeroed.mp4")
    assert rejected(broken, expect="video").code == "undecodable_video"


def test_audio_upload_without_audio_is_refused(tmp_path):
    silent = make_clip(tmp_path / "silent.mp4", audio=False)
    assert rejected(silent, expect="audio").code == "no_audio"


def test_longer_than_the_limit_is_refused(clip):
    limits = dataclasses.replace(LIMITS, max_duration=1.5)
    assert rejected(clip, limits=limits).code == "too_long"


def test_resolution_above_the_limit_is_refused(clip):
    limits = dataclasses.replace(LIMITS, max_width=300, max_height=200)
    assert rejected(clip, limits=limits).code == "too_high_resolution"


def test_portrait_video_is_measured_against_the_limit_turned(tmp_path):
    # 2160x3840 portrait is within a 3840x2160 limit; the same at 240x320 in 320x240.
    clip = make_clip(tmp_path / "portrait.mp4", size="240x320")
    limits = dataclasses.replace(LIMITS, max_width=320, max_height=240)
    assert probe_media(clip, limits=limits).height == 320


def test_more_bytes_than_the_limit_is_refused(clip):
    limits = dataclasses.replace(LIMITS, max_bytes=clip.stat().st_size - 1)
    assert rejected(clip, limits=limits).code == "too_large"


def test_more_streams_than_the_limit_is_refused(clip):
    limits = dataclasses.replace(LIMITS, max_streams=1)
    assert rejected(clip, limits=limits).code == "too_many_streams"


def test_limits_come_from_settings(settings):
    settings.MEDIA_MAX_DURATION_SECONDS = 600
    settings.MEDIA_MAX_WIDTH = 1920
    settings.MEDIA_MAX_HEIGHT = 1080
    settings.MEDIA_MAX_UPLOAD_BYTES = 1000
    settings.MEDIA_MAX_STREAMS = 4
    assert MediaLimits.from_settings() == MediaLimits(
        max_duration=600, max_width=1920, max_height=1080, max_bytes=1000,
        max_streams=4,
    )  # fmt: skip
