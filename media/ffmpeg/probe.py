"""Validate an upload with ffprobe before anything decodes it for real.

Three short ffprobe runs, all under the demuxer and protocol whitelists, a stream
limit and a time limit:
1. format and streams (what the container claims);
2. every packet's timestamp, demuxed but not decoded (what the file really holds:
   a truncated file ends before its claimed duration, and a file cannot hide
   hours of packets behind a short header);
3. the first video frame, decoded (a video upload must have a decodable picture).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

from .errors import MediaRejected, reason
from .formats import demuxer_for, file_url, untrusted_input_args
from .process import ProcessTimeout, run_process

FFPROBE = "ffprobe"

# A truncated file may lose a little without harm; more than this is refused.
TRUNCATION_TOLERANCE_SECONDS = 1.0
TRUNCATION_TOLERANCE_FRACTION = 0.02
# Raw MP3/AAC streams have no index: their declared duration is estimated from
# the first frames' bit rate, so only the packets themselves tell the length.
ESTIMATED_DURATION_DEMUXERS = frozenset({"mp3", "aac"})
HDR_TRANSFERS = frozenset({"arib-std-b67", "smpte2084"})


@dataclass(frozen=True)
class MediaLimits:
    max_duration: float
    max_width: int
    max_height: int
    max_bytes: int
    max_streams: int = 8

    @classmethod
    def from_settings(cls) -> MediaLimits:
        from django.conf import settings

        return cls(
            max_duration=float(settings.MEDIA_MAX_DURATION_SECONDS),
            max_width=int(settings.MEDIA_MAX_WIDTH),
            max_height=int(settings.MEDIA_MAX_HEIGHT),
            max_bytes=int(settings.MEDIA_MAX_UPLOAD_BYTES),
            max_streams=int(settings.MEDIA_MAX_STREAMS),
        )


@dataclass(frozen=True)
class ProbeResult:
    format_name: str  # the demuxer to force with -f, e.g. "mov"
    duration: float
    size_bytes: int
    has_video: bool
    has_audio: bool
    width: int | None  # display size: rotation and sample aspect ratio applied
    height: int | None
    rotation: int
    video_codec: str | None
    pix_fmt: str | None
    frame_rate: float
    is_vfr: bool
    audio_codec: str | None
    kind: Literal["video", "audio"]
    video_index: int | None = None  # absolute stream indexes for -map 0:N
    audio_index: int | None = None
    audio_channels: int = 0
    stream_count: int = 1  # the transcode refuses a file that grew more streams
    color_transfer: str | None = None  # "arib-std-b67" (HLG), "smpte2084" (PQ)...

    @property
    def is_hdr(self) -> bool:
        """iPhones record HLG HDR by default; shown as SDR untouched, it looks
        grey and flat, so the transcode tone-maps it to BT.709."""
        return self.color_transfer in HDR_TRANSFERS


def probe_media(
    path: Path,
    *,
    limits: MediaLimits,
    expect: Literal["video", "audio", "any"] = "any",
    timeout: float = 30,
    ffprobe: str = FFPROBE,
) -> ProbeResult:
    """Probe an untrusted file with the ffprobe binary given (FFPROBE_BINARY from
    the services); raise MediaRejected with the trainer's reason."""
    path = Path(path).resolve()
    size = _check_size(path, limits)
    info = _ffprobe_json(path, limits, timeout, ffprobe)

    demuxer = demuxer_for(info.get("format", {}).get("format_name", ""))
    if demuxer is None:  # the whitelist should have stopped it already
        raise _unrecognised("format")
    streams = info.get("streams", [])
    if len(streams) > limits.max_streams:
        raise MediaRejected(
            reason("文件包含的流过多（%(count)d 个，上限 %(limit)d 个）。",
                   count=len(streams), limit=limits.max_streams),
            code="too_many_streams",
        )  # fmt: skip

    video = _first(streams, "video")
    audio = _first(streams, "audio")
    if expect == "video" and video is None:
        raise MediaRejected(
            reason("文件中没有可以播放的视频画面。请上传视频文件。"),
            code="no_video",
        )
    if expect == "audio" and audio is None:
        raise MediaRejected(reason("文件中没有音频。请上传音频文件。"), code="no_audio")
    if video is None and audio is None:
        raise _unrecognised("no_streams")
    kind: Literal["video", "audio"] = (
        "video" if video is not None and expect != "audio" else "audio"
    )
    if kind == "audio":
        video = None

    declared = _float(info.get("format", {}).get("duration"))
    if demuxer in ESTIMATED_DURATION_DEMUXERS:
        declared = 0.0
    content_end = _packets_end(path, demuxer, limits, timeout, ffprobe)
    _check_duration(declared, content_end, limits)
    duration = min(declared, content_end) if declared > 0 else content_end

    width = height = None
    rotation = 0
    frame_rate = 0.0
    is_vfr = False
    if video is not None:
        width, height, rotation = _display_size(video)
        _check_resolution(width, height, limits)
        frame_rate, is_vfr = _frame_rate(video)
        _check_decodable(path, demuxer, video["index"], limits, timeout, ffprobe)

    return ProbeResult(
        format_name=demuxer,
        duration=round(duration, 3),
        size_bytes=size,
        has_video=video is not None,
        has_audio=audio is not None,
        width=width,
        height=height,
        rotation=rotation,
        video_codec=video.get("codec_name") if video else None,
        pix_fmt=video.get("pix_fmt") if video else None,
        frame_rate=frame_rate,
        is_vfr=is_vfr,
        audio_codec=audio.get("codec_name") if audio else None,
        kind=kind,
        video_index=video["index"] if video else None,
        audio_index=audio["index"] if audio else None,
        audio_channels=int(audio.get("channels") or 0) if audio else 0,
        stream_count=len(streams),
        color_transfer=video.get("color_transfer") if video else None,
    )


def _check_size(path: Path, limits: MediaLimits) -> int:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise MediaRejected(reason("找不到上传的文件。"), code="missing") from None
    if size == 0:
        raise MediaRejected(reason("文件是空的（0 字节）。"), code="empty")
    if size > limits.max_bytes:
        raise MediaRejected(
            reason("文件太大（%(size)s MB），上限为 %(limit)s MB。",
                   size=_mb(size), limit=_mb(limits.max_bytes)),
            code="too_large",
        )  # fmt: skip
    return size


def _unrecognised(code: str) -> MediaRejected:
    return MediaRejected(
        reason(
            "无法识别这个文件。请上传 MP4、MOV、MKV、WebM 视频或 MP3、M4A、"
            "WAV 等音频文件；播放列表、文本和图片不能作为视频上传。"
        ),
        code=code,
    )


def _run_ffprobe(args: list[str], timeout: float, ffprobe: str):
    try:
        return run_process([ffprobe, "-v", "error", *args], timeout=timeout)
    except ProcessTimeout:
        raise MediaRejected(
            reason("检查文件超时，文件可能已损坏。"), code="probe_timeout"
        ) from None


def _ffprobe_json(path: Path, limits: MediaLimits, timeout: float, ffprobe) -> dict:
    result = _run_ffprobe(
        [
            *untrusted_input_args(max_streams=limits.max_streams),
            "-show_format", "-show_streams", "-of", "json", file_url(path),
        ],
        timeout,
        ffprobe,
    )  # fmt: skip
    if result.returncode != 0:
        if "moov atom not found" in result.stderr and _looks_like_mp4(path):
            raise _truncated()
        if "max_streams" in result.stderr or "streams exceeds" in result.stderr:
            raise MediaRejected(
                reason("文件包含的流过多（上限 %(limit)d 个）。",
                       limit=limits.max_streams),
                code="too_many_streams",
                detail=result.stderr,
            )  # fmt: skip
        error = _unrecognised("unrecognised")
        error.detail = result.stderr
        raise error
    try:
        return json.loads(result.stdout or "{}")
    except json.JSONDecodeError:
        raise _unrecognised("unrecognised") from None


def _looks_like_mp4(path: Path) -> bool:
    """An MP4 cut before its index still starts with MP4 boxes; anything else
    that the mov demuxer was guessed for (by the .mp4 name) is not an MP4."""
    with open(path, "rb") as f:
        head = f.read(12)
    return head[4:8] in (b"ftyp", b"mdat", b"free", b"wide", b"skip", b"moov")


def _truncated() -> MediaRejected:
    return MediaRejected(
        reason("文件不完整（可能上传中断或文件已损坏），请重新导出后上传。"),
        code="truncated",
    )


def _first(streams: list[dict], codec_type: str) -> dict | None:
    for stream in streams:
        if stream.get("codec_type") != codec_type:
            continue
        if codec_type == "video" and (
            stream.get("disposition", {}).get("attached_pic")  # album cover art
            or not stream.get("width")
            or not stream.get("height")
        ):
            continue
        if not stream.get("codec_name") or stream.get("codec_name") == "none":
            continue
        return stream
    return None


def _packets_end(path: Path, demuxer: str, limits: MediaLimits, timeout, ffprobe):
    """The end time of the last packet actually present in the file."""
    result = _run_ffprobe(
        [
            *untrusted_input_args(max_streams=limits.max_streams, demuxer=demuxer),
            "-show_entries", "packet=pts_time,dts_time,duration_time",
            "-of", "csv=p=0", file_url(path),
        ],
        timeout,
        ffprobe,
    )  # fmt: skip
    start = math.inf
    end = 0.0
    for line in result.stdout.splitlines():
        pts, dts, dur = ([*line.split(","), "", "", ""])[:3]
        t = _float(pts) if pts not in ("", "N/A") else _float(dts)
        if t is None or math.isnan(t):
            continue
        start = min(start, t)
        end = max(end, t + (_float(dur) or 0.0))
    if end <= 0:
        raise _truncated() if result.returncode == 0 else _unrecognised("no_packets")
    return end - (start if start != math.inf and start > 0 else 0.0)


def _check_duration(declared: float, content_end: float, limits: MediaLimits):
    if declared > 0:
        missing = declared - content_end
        tolerance = max(
            TRUNCATION_TOLERANCE_SECONDS, declared * TRUNCATION_TOLERANCE_FRACTION
        )
        if missing > tolerance:
            raise _truncated()
    longest = max(declared, content_end)
    if longest > limits.max_duration:
        raise MediaRejected(
            reason("时长 %(duration)s 超过上限 %(limit)s。",
                   duration=_clock(longest), limit=_clock(limits.max_duration)),
            code="too_long",
        )  # fmt: skip


def _display_size(video: dict) -> tuple[int, int, int]:
    width, height = int(video["width"]), int(video["height"])
    sar = _fraction(video.get("sample_aspect_ratio"))
    if sar and sar > 0 and sar != 1:
        width = round(width * sar)
    rotation = 0
    for side_data in video.get("side_data_list", []) or []:
        if "rotation" in side_data:
            rotation = int(round(float(side_data["rotation"])))
    if not rotation and video.get("tags", {}).get("rotate"):
        rotation = int(float(video["tags"]["rotate"]))
    rotation %= 360
    if rotation in (90, 270):
        width, height = height, width
    return width, height, rotation


def _check_resolution(width: int, height: int, limits: MediaLimits) -> None:
    # A portrait 2160x3840 phone video is as large as a landscape 3840x2160 one.
    if max(width, height) > max(limits.max_width, limits.max_height) or min(
        width, height
    ) > min(limits.max_width, limits.max_height):
        raise MediaRejected(
            reason("分辨率 %(width)d×%(height)d 超过上限 %(limit_w)d×%(limit_h)d。",
                   width=width, height=height,
                   limit_w=limits.max_width, limit_h=limits.max_height),
            code="too_high_resolution",
        )  # fmt: skip


def _frame_rate(video: dict) -> tuple[float, bool]:
    avg = _fraction(video.get("avg_frame_rate"))
    real = _fraction(video.get("r_frame_rate"))
    rate = float(avg or real or 0)
    # Phones record variable frame rate: the average differs from the base rate.
    is_vfr = bool(avg and real and abs(float(avg) - float(real)) > 0.01 * float(real))
    return round(rate, 3), is_vfr


def _check_decodable(path, demuxer, index, limits, timeout, ffprobe) -> None:
    result = _run_ffprobe(
        [
            *untrusted_input_args(max_streams=limits.max_streams, demuxer=demuxer),
            "-select_streams", str(index), "-read_intervals", "%+#1",
            "-show_entries", "frame=width,height", "-of", "csv=p=0",
            file_url(path),
        ],
        timeout,
        ffprobe,
    )  # fmt: skip
    if not result.stdout.strip():
        raise MediaRejected(
            reason("视频画面无法解码（编码格式不受支持或文件已损坏）。"),
            code="undecodable_video",
            detail=result.stderr,
        )


def _float(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _fraction(value) -> Fraction | None:
    if not value or value in ("0/0", "N/A"):
        return None
    try:
        return Fraction(value.replace(":", "/"))
    except (ValueError, ZeroDivisionError):
        return None


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}"


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"
