"""Hostile uploads: the local-file-read class (CVE-2016-1898, CVE-2017-9993).

The leak would be in the pixels of the output, so grepping outputs proves
nothing; instead the whole pipeline runs under ``strace -f`` and the test asserts
that the canary file the trap points at is never opened by any process.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from media.ffmpeg.errors import TranscodeFailed
from media.ffmpeg.probe import ProbeResult
from media.ffmpeg.transcode import transcode_media
from tests.deps import require_binary
from tests.media.clips import (
    make_avi_hls_trap,
    make_clip,
    make_concat_trap,
    make_hls_trap,
)

ROOT = Path(__file__).resolve().parents[2]

PIPELINE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from media.ffmpeg import MediaLimits, MediaRejected, probe_media, transcode_media
    limits = MediaLimits(max_duration=1800, max_width=3840, max_height=2160,
                         max_bytes=2 * 1024**3)
    source, out = Path(sys.argv[1]), Path(sys.argv[2])
    try:
        probe = probe_media(source, limits=limits, expect="video")
    except MediaRejected as exc:
        print("rejected", exc.code)
        sys.exit(0)
    transcode_media(source=source, probe=probe, out_dir=out, timeout=60)
    print("transcoded")
    """
)

TRAPS = {
    "hls": make_hls_trap,
    "ffconcat": make_concat_trap,
    "avi-gab2-hls": make_avi_hls_trap,
}


def traced(argv: list[str], trace: Path) -> subprocess.CompletedProcess:
    require_binary("strace")
    return subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=open,openat", "-o", str(trace), *argv],
        capture_output=True, text=True, timeout=180, cwd=ROOT,
    )  # fmt: skip


def opened(trace: Path) -> str:
    return trace.read_text(errors="replace")


@pytest.fixture
def canary(tmp_path) -> Path:
    # .ts is an extension the hls demuxer agrees to open as a segment.
    path = tmp_path / "canary-secret.ts"
    path.write_text("the district's personnel records")
    return path


@pytest.mark.parametrize("trap", TRAPS)
def test_pipeline_refuses_the_trap_and_never_opens_the_canary(tmp_path, canary, trap):
    require_binary("ffmpeg")
    upload = TRAPS[trap](tmp_path / "lesson.mp4", canary)
    trace = tmp_path / "trace.txt"
    run = traced(
        [sys.executable, "-c", PIPELINE, str(upload), str(tmp_path / "out")], trace
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("rejected"), run.stdout
    log = opened(trace)
    assert str(upload) in log  # the trace does see the files ffprobe opens
    assert canary.name not in log


@pytest.mark.parametrize("trap", ["hls", "ffconcat"])
def test_the_trap_is_live_against_stock_ffprobe(tmp_path, canary, trap):
    """Control: without our whitelists ffprobe follows the trap to the canary,
    so the test above is not passing for want of a working trap or trace.

    (The AVI/GAB2 carrier is not live on Debian's ffmpeg 5.1, whose avi demuxer
    now accepts only srt and ass inside GAB2; the pipeline refuses AVI anyway.)
    """
    require_binary("ffprobe")
    upload = TRAPS[trap](tmp_path / "lesson.mp4", canary)
    trace = tmp_path / "trace.txt"
    traced(["ffprobe", "-v", "quiet", str(upload)], trace)
    assert canary.name in opened(trace)


def test_transcode_forces_the_probed_demuxer_even_on_a_forged_probe(tmp_path, canary):
    """Defence in depth: had the probe been skipped or fooled into saying "mov",
    the transcode still opens the upload only as MP4 and fails on a playlist."""
    upload = make_hls_trap(tmp_path / "lesson.mp4", canary)
    forged = ProbeResult(
        format_name="mov", duration=10.0, size_bytes=upload.stat().st_size,
        has_video=True, has_audio=False, width=320, height=240, rotation=0,
        video_codec="h264", pix_fmt="yuv420p", frame_rate=15.0, is_vfr=False,
        audio_codec=None, kind="video", video_index=0,
    )  # fmt: skip
    with pytest.raises(TranscodeFailed):
        transcode_media(
            source=upload, probe=forged, out_dir=tmp_path / "out", timeout=30
        )


def test_a_demuxer_outside_the_whitelist_cannot_be_forced(tmp_path, canary):
    upload = make_hls_trap(tmp_path / "lesson.mp4", canary)
    forged = ProbeResult(
        format_name="hls", duration=10.0, size_bytes=1, has_video=True,
        has_audio=False, width=320, height=240, rotation=0, video_codec="h264",
        pix_fmt="yuv420p", frame_rate=15.0, is_vfr=False, audio_codec=None,
        kind="video", video_index=0,
    )  # fmt: skip
    with pytest.raises(ValueError, match="not accepted"):
        transcode_media(source=upload, probe=forged, out_dir=tmp_path / "o", timeout=30)


def test_an_honest_upload_beside_the_canary_is_transcoded_without_opening_it(
    tmp_path, canary
):
    upload = make_clip(tmp_path / "lesson.mp4", duration=1)
    trace = tmp_path / "trace.txt"
    run = traced(
        [sys.executable, "-c", PIPELINE, str(upload), str(tmp_path / "out")], trace
    )
    assert run.stdout.strip() == "transcoded", run.stderr
    assert canary.name not in opened(trace)
