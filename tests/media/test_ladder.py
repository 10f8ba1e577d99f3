"""plan_ladder: which rungs a source gets (pure function, no ffmpeg)."""

from __future__ import annotations

from media.ffmpeg.ladder import plan_ladder
from media.ffmpeg.probe import ProbeResult


def probe(width, height, *, kind="video") -> ProbeResult:
    return ProbeResult(
        format_name="mov", duration=10.0, size_bytes=1000,
        has_video=kind == "video", has_audio=True,
        width=width if kind == "video" else None,
        height=height if kind == "video" else None,
        rotation=0, video_codec="h264", pix_fmt="yuv420p", frame_rate=30.0,
        is_vfr=False, audio_codec="aac", kind=kind,
    )  # fmt: skip


def sizes(rungs):
    return [(r.name, r.width, r.height) for r in rungs]


def test_1080p_source_gets_all_four_rungs():
    assert sizes(plan_ladder(probe(1920, 1080))) == [
        ("270p", 480, 270),
        ("360p", 640, 360),
        ("540p", 960, 540),
        ("720p", 1280, 720),
    ]


def test_no_rung_is_above_the_source():
    assert [r.name for r in plan_ladder(probe(960, 540))] == ["270p", "360p", "540p"]


def test_portrait_video_is_laddered_by_its_short_side():
    assert sizes(plan_ladder(probe(1080, 1920))) == [
        ("270p", 270, 480),
        ("360p", 360, 640),
        ("540p", 540, 960),
        ("720p", 720, 1280),
    ]


def test_every_dimension_is_even():
    for width, height in [(1918, 1078), (1080, 2340), (721, 407), (333, 999)]:
        for rung in plan_ladder(probe(width, height)):
            assert rung.width % 2 == 0 and rung.height % 2 == 0, (width, height, rung)


def test_small_odd_source_gets_one_rung_rounded_down_to_even():
    assert sizes(plan_ladder(probe(321, 241))) == [("240p", 320, 240)]


def test_rungs_grow_in_bitrate_and_bandwidth_covers_audio_and_video():
    rungs = plan_ladder(probe(1920, 1080))
    assert [r.video_bitrate for r in rungs] == sorted(r.video_bitrate for r in rungs)
    for rung in rungs:
        assert rung.bandwidth >= rung.max_rate + rung.audio_bitrate


def test_audio_source_gets_one_audio_rung():
    (rung,) = plan_ladder(probe(None, None, kind="audio"))
    assert (rung.name, rung.is_audio, rung.video_bitrate) == ("audio", True, 0)
