"""One ffmpeg process per upload: one decode, split to every rung and the poster.

Video graph (built with ffmpeg-python)::

    upload -(autorotate)-> fps (constant) -> split -> scale,yuv420p -> x264 -> HLS 270p
                                             |-> scale,yuv420p -> x264 -> HLS 360p
                                             '-> one frame -> scale -> poster.jpg
    audio (or silence) -> loudnorm -> 48 kHz -> asplit -> AAC-LC in every rung

Every rung carries its own audio: hls.js's light build cannot play separate
audio renditions. Keyframes are forced every 2 s of output time (and scene-cut
keyframes are off), so every rung cuts its 4 s fMP4 segments at the same points.
The MP4 fallback is a remux of one rung's segments, not a second encode.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import ffmpeg

from .errors import TranscodeFailed, reason
from .formats import file_url, untrusted_input_options
from .hls import (
    AAC_LC,
    Variant,
    avc_codec_string,
    master_playlist,
    measure_rendition,
)
from .ladder import Rung, plan_ladder
from .probe import ProbeResult
from .process import ProcessTimeout, ProgressParser, run_process

logger = logging.getLogger(__name__)

FFMPEG = "ffmpeg"
KEYFRAME_SECONDS = 2
SEGMENT_SECONDS = 4
MAX_FRAME_RATE = 30
COMMON_FRAME_RATES = (15, 24, 25, 30)
X264_PRESET = "veryfast"  # medium took ~2x the time here with no SSIM gain
X264_CRF = 23
LOUDNESS = {"I": -16, "TP": -1.5, "LRA": 11}  # EBU R128-style speech target
# The player is 390 CSS px wide: a 640 px poster (JPEG q 5) is sharp on a 2x
# phone screen at a fraction of a 720p poster's bytes.
POSTER_LONG_SIDE = 640
POSTER_QUALITY = "5"
FALLBACK_MAX_SHORT_SIDE = 540


@dataclass
class RenditionOutput:
    rung: Rung
    playlist: str  # relative to out_dir, e.g. "270p/index.m3u8"
    size_bytes: int
    bandwidth: int = 0  # measured peak, as written in the master playlist
    average_bandwidth: int = 0
    codecs: str = ""


@dataclass
class TranscodeResult:
    master: str  # "master.m3u8"
    renditions: list[RenditionOutput]
    mp4: str | None  # "fallback.mp4" (video) or "fallback.m4a" (audio), faststart
    poster: str | None  # "poster.jpg"
    duration: float
    audio_only: bool


def transcode_timeout(duration: float) -> float:
    """A limit that scales with the source's length.

    bench/transcode.py measured a 60 s 1080p30 source at 0.36x realtime (median;
    0.22x at worst) on a 2-core machine shared at load 8-10: 6 s per second of
    source leaves about 1.8x headroom over that worst case, and a hung or
    pathological decode still ends.
    """
    return 120.0 + 6.0 * max(duration, 0.0)


def output_frame_rate(probe: ProbeResult) -> Fraction:
    """Constant output rate: the source's, capped at 30 fps. A phone's variable
    rate is snapped up to the nearest common rate (a 29.2 fps average plays at
    30), so motion is not decimated."""
    rate = probe.frame_rate or MAX_FRAME_RATE
    if rate > MAX_FRAME_RATE:
        return Fraction(MAX_FRAME_RATE)
    if probe.is_vfr:
        common = [r for r in COMMON_FRAME_RATES if r >= rate * 0.97]
        return Fraction(min(common) if common else max(1, round(rate)))
    return Fraction(rate).limit_denominator(1001)


def transcode_media(
    *,
    source: Path,
    probe: ProbeResult,
    out_dir: Path,
    timeout: float,
    on_progress: Callable[[float], None] | None = None,
    ffmpeg_binary: str = FFMPEG,
) -> TranscodeResult:
    """Transcode with the ffmpeg binary given (FFMPEG_BINARY from the services)."""
    out_dir = Path(out_dir).resolve()
    source = Path(source).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    rungs = plan_ladder(probe)
    for rung in rungs:
        (out_dir / rung.name).mkdir(exist_ok=True)

    graph = build_graph(source=Path(source), probe=probe, rungs=rungs, out_dir=out_dir)
    argv = command_line(graph, ffmpeg_binary=ffmpeg_binary)
    # The whole command line only at DEBUG (LOG_LEVEL=DEBUG): it is long.
    logger.info("transcoding %s into %s", source, ", ".join(r.name for r in rungs))
    logger.debug("ffmpeg command: %s", " ".join(argv))
    _run(argv, timeout=timeout, duration=probe.duration, on_progress=on_progress)

    renditions, variants = _measure(out_dir, rungs, probe)
    (out_dir / "master.m3u8").write_text(master_playlist(variants))
    poster = "poster.jpg" if (out_dir / "poster.jpg").is_file() else None
    if probe.kind == "video" and poster is None:
        raise TranscodeFailed(
            reason("无法生成封面图。"), detail="poster.jpg missing after ffmpeg"
        )
    fallback = make_fallback(out_dir, renditions, audio_only=probe.kind == "audio",
                             timeout=timeout, ffmpeg_binary=ffmpeg_binary)  # fmt: skip
    return TranscodeResult(
        master="master.m3u8",
        renditions=renditions,
        mp4=fallback,
        poster=poster,
        duration=probe.duration,
        audio_only=probe.kind == "audio",
    )


def build_graph(*, source: Path, probe: ProbeResult, rungs: list[Rung], out_dir: Path):
    """The whole job as one ffmpeg-python graph (one process, one decode)."""
    upload = ffmpeg.input(
        file_url(source),
        **untrusted_input_options(
            max_streams=max(1, probe.stream_count), demuxer=probe.format_name
        ),
    )
    audio = audio_chain(upload, probe)
    audio_branches = audio.filter_multi_output("asplit", len(rungs))
    outputs = []
    if probe.kind == "audio":
        rung = rungs[0]
        outputs.append(hls_output(out_dir, rung, None, audio_branches[0], probe))
    else:
        rate = output_frame_rate(probe)
        video = upload[str(probe.video_index)].filter("fps", fps=str(rate))
        if probe.is_hdr:
            video = tone_mapped(video, rungs[-1])
        video_branches = video.filter_multi_output("split", len(rungs) + 1)
        for i, rung in enumerate(rungs):
            scaled = scaled_video(video_branches[i], rung)
            outputs.append(hls_output(out_dir, rung, scaled, audio_branches[i], probe))
        outputs.append(poster_output(out_dir, video_branches[len(rungs)], probe))
    return ffmpeg.merge_outputs(*outputs)


GLOBAL_ARGS = ("-hide_banner", "-nostdin", "-nostats", "-v", "error", "-y")


def command_line(graph, *, ffmpeg_binary: str = FFMPEG) -> list[str]:
    """Global options first (ffmpeg-python would append them after the outputs)."""
    return [ffmpeg_binary, *GLOBAL_ARGS, "-progress", "pipe:1", *graph.get_args()]


def audio_chain(upload, probe: ProbeResult):
    if probe.audio_index is not None:
        audio = upload[str(probe.audio_index)]
    else:
        # A silent track keeps every rung audio+video with the same CODECS, so a
        # lesson without sound plays like any other (players that expect audio
        # do not wait for it) and the app's audio handling has one case.
        audio = ffmpeg.input(
            "anullsrc=channel_layout=stereo:sample_rate=48000",
            f="lavfi",
            t=f"{probe.duration:.3f}",
        )["a"]
    if probe.audio_channels > 2 or probe.audio_index is None:
        audio = audio.filter("aformat", channel_layouts="stereo")
    if probe.audio_index is not None:
        audio = audio.filter("loudnorm", **LOUDNESS)
    # loudnorm works at 192 kHz; AAC in HLS gets 48 kHz. The explicit layouts
    # are needed: ffmpeg 5.1 cannot negotiate loudnorm's output layout otherwise.
    return audio.filter("aresample", 48000).filter(
        "aformat", sample_rates=48000, channel_layouts="mono|stereo"
    )


def tone_mapped(video, largest: Rung):
    """HDR (HLG/PQ) to SDR BT.709 with zimg and the hable curve, once, at the
    largest rung's size: tone mapping is float maths, too dear at full 4K size
    or once per rung."""
    return (
        video.filter("zscale", w=largest.width, h=largest.height, t="linear",
                     npl=100)
        .filter("format", "gbrpf32le")
        .filter("zscale", p="bt709")
        .filter("tonemap", "hable", desat=0)
        .filter("zscale", t="bt709", m="bt709", r="tv")
        .filter("format", "yuv420p")
    )  # fmt: skip


SDR_TAGS = {"color_primaries": "bt709", "color_trc": "bt709", "colorspace": "bt709"}


def audio_encoder_options(rung: Rung) -> dict[str, str]:
    return {"c:a": "aac", "b:a": str(rung.audio_bitrate), "ar": "48000"}


def video_encoder_options(rung: Rung, probe: ProbeResult) -> dict[str, str]:
    rate = output_frame_rate(probe)
    return {
        "c:v": "libx264",
        "preset": X264_PRESET,
        "profile:v": "high",
        "pix_fmt": "yuv420p",
        "crf": str(X264_CRF),
        "maxrate": str(rung.video_bitrate),
        "bufsize": str(rung.video_bitrate * 2),
        # Keyframes by time, not by frame count: identical in every rung.
        "force_key_frames": f"expr:gte(t,n_forced*{KEYFRAME_SECONDS})",
        "sc_threshold": "0",
        "g": str(int(float(rate) * KEYFRAME_SECONDS * 2)),
    }


def scaled_video(branch, rung: Rung):
    return (
        branch.filter("scale", rung.width, rung.height)
        .filter("setsar", 1)
        .filter("format", "yuv420p")
    )


def hls_output(out_dir: Path, rung: Rung, video, audio, probe: ProbeResult):
    rung_dir = out_dir / rung.name
    options = {
        "format": "hls",
        **audio_encoder_options(rung),
        "hls_time": str(SEGMENT_SECONDS),
        "hls_playlist_type": "vod",
        "hls_segment_type": "fmp4",
        "hls_fmp4_init_filename": "init.mp4",
        "hls_segment_filename": str(rung_dir / "seg_%04d.m4s"),
        "hls_flags": "independent_segments",
    }
    streams = [audio]
    if video is not None:
        options.update(video_encoder_options(rung, probe))
        if probe.is_hdr:
            options.update(SDR_TAGS)
        streams = [video, audio]
    return ffmpeg.output(*streams, str(rung_dir / "index.m3u8"), **options)


def poster_output(out_dir: Path, branch, probe: ProbeResult):
    at = min(3.0, probe.duration * 0.25)
    target = min(max(probe.width, probe.height), POSTER_LONG_SIDE)
    size = (target, -2) if probe.width >= probe.height else (-2, target)
    frame = branch.filter("select", f"gte(t,{at:.3f})").filter("scale", *size)
    return ffmpeg.output(
        frame,
        str(out_dir / "poster.jpg"),
        **{"frames:v": "1", "q:v": POSTER_QUALITY, "format": "image2", "update": "1"},
    )


def _run(argv, *, timeout, duration, on_progress) -> None:
    progress = ProgressParser(duration, on_progress) if on_progress else None
    try:
        result = run_process(argv, timeout=timeout, on_stdout_line=progress)
    except ProcessTimeout as exc:
        raise TranscodeFailed(
            reason("转码超时（超过 %(minutes)d 分钟），已停止。",
                   minutes=max(1, round(timeout / 60))),
            detail=exc.stderr,
            timed_out=True,
        ) from None  # fmt: skip
    if result.returncode != 0:
        logger.warning("ffmpeg exited with %s: %s", result.returncode, result.stderr)
        raise TranscodeFailed(
            reason("转码失败：文件中的音视频数据无法处理。"),
            detail=result.stderr,
        )


def _measure(out_dir: Path, rungs: list[Rung], probe: ProbeResult):
    renditions: list[RenditionOutput] = []
    variants: list[Variant] = []
    for rung in rungs:
        playlist = f"{rung.name}/index.m3u8"
        if not (out_dir / playlist).is_file():
            raise TranscodeFailed(
                reason("转码失败：没有生成播放列表。"), detail=f"{playlist} missing"
            )
        measured = measure_rendition(out_dir, playlist)
        if rung.is_audio:
            codecs = AAC_LC
        else:
            codecs = f"{avc_codec_string(out_dir / rung.name / measured.init)},{AAC_LC}"
        renditions.append(
            RenditionOutput(
                rung=rung,
                playlist=playlist,
                size_bytes=measured.size_bytes,
                bandwidth=measured.peak_bandwidth,
                average_bandwidth=measured.average_bandwidth,
                codecs=codecs,
            )
        )
        variants.append(
            Variant(
                uri=playlist,
                bandwidth=measured.peak_bandwidth,
                average_bandwidth=measured.average_bandwidth,
                codecs=codecs,
                resolution=None if rung.is_audio else (rung.width, rung.height),
                frame_rate=None if rung.is_audio else float(output_frame_rate(probe)),
            )
        )
    return renditions, variants


def fallback_rung(renditions: list[RenditionOutput]) -> RenditionOutput:
    """The sharpest rung whose short side is at most 540 (else the lowest)."""
    fitting = [
        r
        for r in renditions
        if r.rung.is_audio
        or min(r.rung.width, r.rung.height) <= FALLBACK_MAX_SHORT_SIDE
    ]
    return max(fitting, key=lambda r: r.rung.bandwidth) if fitting else renditions[0]


def make_fallback(
    out_dir: Path,
    renditions: list[RenditionOutput],
    *,
    audio_only: bool,
    timeout,
    ffmpeg_binary: str = FFMPEG,
) -> str:
    """Remux one rung into a faststart MP4 (M4A for audio): no second encode.

    init.mp4 followed by the segments is one fragmented MP4; ffmpeg copies its
    packets into a progressive file with the index (moov) at the front.
    """
    chosen = fallback_rung(renditions)
    measured = measure_rendition(out_dir, chosen.playlist)
    rung_dir = (out_dir / chosen.playlist).parent
    joined = out_dir / "fallback-fragmented.mp4"
    with open(joined, "wb") as target:
        for name in [measured.init, *measured.segments]:
            with open(rung_dir / name, "rb") as part:
                shutil.copyfileobj(part, target)
    name = "fallback.m4a" if audio_only else "fallback.mp4"
    argv = [
        ffmpeg_binary, "-hide_banner", "-nostdin", "-v", "error", "-y",
        "-protocol_whitelist", "file", "-format_whitelist", "mov", "-f", "mov",
        "-i", file_url(joined), "-map", "0", "-c", "copy",
        "-movflags", "+faststart", file_url(out_dir / name),
    ]  # fmt: skip
    try:
        _run(argv, timeout=timeout, duration=0, on_progress=None)
    finally:
        joined.unlink(missing_ok=True)
    return name
