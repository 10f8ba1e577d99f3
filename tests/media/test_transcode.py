"""transcode_media with the real ffmpeg on tiny generated clips."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from media.ffmpeg.errors import TranscodeFailed
from media.ffmpeg.hls import avc_codec_string
from media.ffmpeg.probe import MediaLimits, probe_media
from media.ffmpeg.transcode import transcode_media, transcode_timeout
from tests.deps import require_binary
from tests.media.clips import make_audio, make_clip

LIMITS = MediaLimits(
    max_duration=1800, max_width=3840, max_height=2160, max_bytes=50 * 1024**2
)


def transcode(source: Path, out_dir: Path, **kwargs):
    require_binary("ffmpeg")
    probe = probe_media(source, limits=LIMITS)
    kwargs.setdefault("timeout", 120)
    return transcode_media(source=source, probe=probe, out_dir=out_dir, **kwargs)


def ffprobe(path: Path, *args: str) -> dict:
    """ffprobe of our own output (trusted, so no whitelists needed)."""
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", *args, str(path)],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return json.loads(result.stdout)


def joined(out_dir: Path, playlist: str) -> Path:
    """init.mp4 + segments: the rung as one fragmented MP4 file."""
    rung_dir = (out_dir / playlist).parent
    names = [
        line
        for line in (out_dir / playlist).read_text().splitlines()
        if line and not line.startswith("#")
    ]
    target = rung_dir / "joined.mp4"
    target.write_bytes(
        b"".join((rung_dir / n).read_bytes() for n in ["init.mp4", *names])
    )
    return target


def streams(path: Path) -> dict[str, dict]:
    return {s["codec_type"]: s for s in ffprobe(path, "-show_streams")["streams"]}


def video_packets(path: Path) -> list[dict]:
    return ffprobe(
        path, "-select_streams", "v",
        "-show_entries", "packet=pts_time,flags,size",
    )["packets"]  # fmt: skip


@pytest.fixture(scope="module")
def phone_video(tmp_path_factory):
    """640x360, variable frame rate, 4.5 s with sound: two rungs, three keyframes."""
    work = tmp_path_factory.mktemp("phone")
    source = make_clip(
        work / "phone.mp4", size="640x360", fps=30, vfr=True, duration=4.5
    )
    progress: list[float] = []
    result = transcode(source, work / "out", on_progress=progress.append)
    return result, work / "out", progress


def test_two_rungs_never_above_the_source(phone_video):
    result, _, _ = phone_video
    assert [(r.rung.name, r.rung.width, r.rung.height) for r in result.renditions] == [
        ("270p", 480, 270),
        ("360p", 640, 360),
    ]


def test_master_playlist_lists_bandwidth_resolution_and_real_codecs(phone_video):
    result, out, _ = phone_video
    master = (out / result.master).read_text()
    entries = re.findall(r"#EXT-X-STREAM-INF:(.*)\n(.*)\n", master)
    assert [uri for _, uri in entries] == ["270p/index.m3u8", "360p/index.m3u8"]
    for (attrs, uri), rendition in zip(entries, result.renditions, strict=True):
        avc = avc_codec_string(out / rendition.rung.name / "init.mp4")
        assert avc.startswith("avc1.64")  # High profile
        assert f'CODECS="{avc},mp4a.40.2"' in attrs
        assert f"RESOLUTION={rendition.rung.width}x{rendition.rung.height}" in attrs
        bandwidth = int(re.search(r"(?:^|,)BANDWIDTH=(\d+)", attrs).group(1))
        assert bandwidth == rendition.bandwidth > 0
        assert (out / uri).is_file()


def test_rungs_are_h264_high_8bit_with_aac_lc_48khz(phone_video):
    result, out, _ = phone_video
    for rendition in result.renditions:
        found = streams(joined(out, rendition.playlist))
        video, audio = found["video"], found["audio"]
        assert (video["codec_name"], video["profile"], video["pix_fmt"]) == (
            "h264", "High", "yuv420p",
        )  # fmt: skip
        assert (audio["codec_name"], audio["profile"], audio["sample_rate"]) == (
            "aac", "LC", "48000",
        )  # fmt: skip


def keyframe_times(path: Path) -> list[float]:
    """Keyframe times from the first frame (B-frames delay every rung's first
    presentation time by the same two frames)."""
    packets = video_packets(path)
    start = min(float(p["pts_time"]) for p in packets)
    return [
        round(float(p["pts_time"]) - start, 3) for p in packets if "K" in p["flags"]
    ]


def test_keyframes_every_2s_at_the_same_times_in_every_rung(phone_video):
    result, out, _ = phone_video
    keyframes = [keyframe_times(joined(out, r.playlist)) for r in result.renditions]
    assert keyframes[0] == keyframes[1]
    assert keyframes[0] == pytest.approx([0.0, 2.0, 4.0], abs=0.05)


def test_variable_frame_rate_source_becomes_constant(phone_video):
    result, out, _ = phone_video
    for rendition in result.renditions:
        times = sorted(
            float(p["pts_time"]) for p in video_packets(joined(out, rendition.playlist))
        )
        steps = {round(b - a, 4) for a, b in zip(times, times[1:], strict=False)}
        assert len(steps) == 1, steps  # one frame duration throughout


def test_segments_are_fmp4_of_at_most_4s(phone_video):
    result, out, _ = phone_video
    playlist = (out / result.renditions[0].playlist).read_text()
    assert '#EXT-X-MAP:URI="init.mp4"' in playlist
    assert "#EXT-X-TARGETDURATION:4" in playlist
    durations = [float(d) for d in re.findall(r"#EXTINF:([\d.]+),", playlist)]
    assert durations == pytest.approx([4.0, 0.5], abs=0.05)
    assert all(
        line.endswith(".m4s")
        for line in playlist.splitlines()
        if line and not line.startswith("#")
    )


def top_level_boxes(path: Path) -> list[str]:
    data = path.read_bytes()
    boxes, at = [], 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        boxes.append(data[at + 4 : at + 8].decode("latin-1"))
        if size == 1:
            size = int.from_bytes(data[at + 8 : at + 16], "big")
        if size < 8:
            break
        at += size
    return boxes


def test_mp4_fallback_is_faststart(phone_video):
    result, out, _ = phone_video
    boxes = top_level_boxes(out / result.mp4)
    assert result.mp4 == "fallback.mp4"
    assert boxes.index("moov") < boxes.index("mdat")


def test_mp4_fallback_is_a_remux_of_a_rung_not_a_new_encode(phone_video):
    result, out, _ = phone_video
    fallback = [p["size"] for p in video_packets(out / result.mp4)]
    rung_packets = {
        r.rung.name: [p["size"] for p in video_packets(joined(out, r.playlist))]
        for r in result.renditions
    }
    assert fallback == rung_packets["360p"]  # the sharpest rung up to 540p


def test_poster_is_a_jpeg_of_the_source_shape(phone_video):
    result, out, _ = phone_video
    data = (out / result.poster).read_bytes()
    assert data[:3] == b"\xff\xd8\xff"
    video = streams(out / result.poster)["video"]
    assert (video["codec_name"], video["width"], video["height"]) == ("mjpeg", 640, 360)


def test_progress_is_reported_up_to_done(phone_video):
    _, _, progress = phone_video
    assert progress == sorted(progress)
    assert progress[-1] == 1.0
    assert len(progress) >= 2


def test_rotated_phone_video_is_turned_upright_and_laddered_as_portrait(tmp_path):
    # Left half black, right half white; the phone says "display turned 90°".
    source = make_clip(
        tmp_path / "portrait.mp4",
        picture="color=white:size=480x270:rate=15,"
        "drawbox=x=0:y=0:w=240:h=270:color=black:t=fill",
        rotate=90,
    )
    result = transcode(source, tmp_path / "out")
    (rendition,) = result.renditions
    assert (rendition.rung.name, rendition.rung.width, rendition.rung.height) == (
        "270p", 270, 480,
    )  # fmt: skip
    rung = joined(tmp_path / "out", rendition.playlist)
    video = streams(rung)["video"]
    assert (video["width"], video["height"]) == (270, 480)
    assert not any("rotation" in d for d in video.get("side_data_list", []))
    # The halves are now top and bottom: the pixels were turned, not squeezed.
    top, bottom, left, right = luma_quarters(rung, 270, 480)
    assert abs(top - bottom) > 150
    assert abs(left - right) < 30


def luma_quarters(path: Path, width: int, height: int):
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        capture_output=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    rows = [raw[y * width : (y + 1) * width] for y in range(height)]

    def mean(block):
        values = [v for row in block for v in row]
        return sum(values) / len(values)

    return (
        mean(rows[: height // 2]),
        mean(rows[height // 2 :]),
        mean([row[: width // 2] for row in rows]),
        mean([row[width // 2 :] for row in rows]),
    )


def test_odd_sized_source_is_made_even(tmp_path):
    source = make_clip(tmp_path / "odd.mp4", size="321x241", pix_fmt="yuv444p")
    result = transcode(source, tmp_path / "out")
    video = streams(joined(tmp_path / "out", result.renditions[0].playlist))["video"]
    assert (video["width"], video["height"]) == (320, 240)


def test_source_without_audio_gets_a_silent_aac_track(tmp_path):
    source = make_clip(tmp_path / "mute.mp4", audio=False, duration=2)
    result = transcode(source, tmp_path / "out")
    rung = joined(tmp_path / "out", result.renditions[0].playlist)
    audio = streams(rung)["audio"]
    assert (audio["codec_name"], audio["sample_rate"]) == ("aac", "48000")
    assert float(audio["duration"]) == pytest.approx(2.0, abs=0.2)
    assert "mp4a.40.2" in (tmp_path / "out" / result.master).read_text()


def test_10bit_hevc_source_becomes_8bit_h264_high(tmp_path):
    source = make_clip(
        tmp_path / "iphone.mp4", codec="libx265", pix_fmt="yuv420p10le", duration=1
    )
    assert probe_media(source, limits=LIMITS).pix_fmt == "yuv420p10le"
    result = transcode(source, tmp_path / "out")
    video = streams(joined(tmp_path / "out", result.renditions[0].playlist))["video"]
    assert (video["codec_name"], video["profile"], video["pix_fmt"]) == (
        "h264", "High", "yuv420p",
    )  # fmt: skip


def test_hlg_hdr_iphone_video_is_tone_mapped_to_sdr_bt709(tmp_path):
    source = make_clip(
        tmp_path / "hlg.mp4", codec="libx265", pix_fmt="yuv420p10le", hdr=True,
        size="640x360", duration=1,
    )  # fmt: skip
    assert probe_media(source, limits=LIMITS).is_hdr
    result = transcode(source, tmp_path / "out")
    for rendition in result.renditions:
        video = streams(joined(tmp_path / "out", rendition.playlist))["video"]
        tags = (video["pix_fmt"], video["color_transfer"], video["color_primaries"])
        assert tags == ("yuv420p", "bt709", "bt709")


def integrated_loudness(path: Path) -> float:
    log = subprocess.run(
        ["ffmpeg", "-nostats", "-i", str(path), "-af", "ebur128", "-f", "null", "-"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stderr  # fmt: skip
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", log)[-1])


def test_audio_upload_becomes_loudness_normalised_hls_audio(tmp_path):
    source = make_audio(tmp_path / "quiet-talk.mp3", duration=6, volume=0.05)
    assert integrated_loudness(source) < -30
    result = transcode(source, tmp_path / "out")
    out = tmp_path / "out"
    assert result.audio_only and result.poster is None
    assert [r.playlist for r in result.renditions] == ["audio/index.m3u8"]
    master = (out / result.master).read_text()
    assert 'CODECS="mp4a.40.2"' in master and "RESOLUTION" not in master
    assert result.mp4 == "fallback.m4a"
    assert set(streams(out / result.mp4)) == {"audio"}
    assert integrated_loudness(out / result.mp4) == pytest.approx(-16, abs=2)


def ffmpeg_processes_writing_to(out_dir: Path) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(out_dir) in cmdline and state != "Z":
            found.append(int(proc.name))
    return found


def test_timeout_stops_ffmpeg_and_leaves_no_process(tmp_path):
    source = make_clip(tmp_path / "long.mp4", size="640x360", duration=20, fps=30)
    out = tmp_path / "out"
    with pytest.raises(TranscodeFailed) as info:
        transcode(source, out, timeout=0.5)
    assert info.value.timed_out
    assert ffmpeg_processes_writing_to(out) == []


def test_time_limit_scales_with_duration():
    assert transcode_timeout(1800) > transcode_timeout(60) * 10
    assert transcode_timeout(60) >= 60


@pytest.mark.parametrize(
    "width,height,scale",
    [(1920, 1080, "640:-2"), (1080, 1920, "-2:640"), (320, 240, "320:-2")],
)
def test_the_poster_fits_640_px_on_its_long_side(width, height, scale):
    import ffmpeg

    from media.ffmpeg.probe import ProbeResult
    from media.ffmpeg.transcode import poster_output

    probe = ProbeResult(
        format_name="mov", duration=10.0, size_bytes=1, has_video=True,
        has_audio=False, width=width, height=height, rotation=0, video_codec="h264",
        pix_fmt="yuv420p", frame_rate=25.0, is_vfr=False, audio_codec=None,
        kind="video", video_index=0,
    )  # fmt: skip
    frame = ffmpeg.input("in.mp4")["0"]
    args = poster_output(Path("/tmp/out"), frame, probe).get_args()
    graph = args[args.index("-filter_complex") + 1]
    assert f"scale={scale}" in graph
    assert args[args.index("-q:v") + 1] == "5"
