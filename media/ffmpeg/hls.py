"""Reading our own HLS output: measured bandwidth, codec strings, master playlist.

Everything here reads files that our ffmpeg just wrote, never an upload.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

AAC_LC = "mp4a.40.2"


@dataclass(frozen=True)
class MeasuredRendition:
    playlist: str  # relative to the output directory
    peak_bandwidth: int  # the largest segment's bit rate (HLS BANDWIDTH)
    average_bandwidth: int
    size_bytes: int  # init segment plus media segments
    segments: list[str]  # file names relative to the playlist's directory
    init: str | None


def measure_rendition(out_dir: Path, playlist: str) -> MeasuredRendition:
    path = out_dir / playlist
    base = path.parent
    durations: list[tuple[float, str]] = []
    init = None
    pending: float | None = None
    for line in path.read_text().splitlines():
        line = line.strip()
        if line.startswith("#EXT-X-MAP:"):
            init = line.split('URI="', 1)[1].split('"', 1)[0]
        elif line.startswith("#EXTINF:"):
            pending = float(line[len("#EXTINF:") :].split(",", 1)[0])
        elif line and not line.startswith("#") and pending is not None:
            durations.append((pending, line))
            pending = None
    peak = 0.0
    total_bytes = 0
    total_seconds = 0.0
    for seconds, name in durations:
        size = (base / name).stat().st_size
        total_bytes += size
        total_seconds += seconds
        if seconds > 0.5:  # a short last segment would overstate the peak
            peak = max(peak, size * 8 / seconds)
    average = total_bytes * 8 / total_seconds if total_seconds else 0.0
    peak = max(peak, average)
    init_size = (base / init).stat().st_size if init else 0
    return MeasuredRendition(
        playlist=playlist,
        peak_bandwidth=math.ceil(peak),
        average_bandwidth=math.ceil(average),
        size_bytes=total_bytes + init_size,
        segments=[name for _, name in durations],
        init=init,
    )


def avc_codec_string(init_segment: Path) -> str:
    """``avc1.PPCCLL`` from the avcC box: the profile and level x264 really wrote."""
    data = init_segment.read_bytes()
    at = data.find(b"avcC")
    if at < 0 or len(data) < at + 8:
        raise ValueError(f"no avcC box in {init_segment}")
    profile, constraints, level = data[at + 5], data[at + 6], data[at + 7]
    return f"avc1.{profile:02x}{constraints:02x}{level:02x}"


@dataclass(frozen=True)
class Variant:
    uri: str
    bandwidth: int
    average_bandwidth: int
    codecs: str
    resolution: tuple[int, int] | None
    frame_rate: float | None


def master_playlist(variants: list[Variant]) -> str:
    """Lowest rung first: players start on the first variant, and on weak 4G a
    fast first frame matters more than a sharp one."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for v in sorted(variants, key=lambda v: v.bandwidth):
        attrs = [f"BANDWIDTH={v.bandwidth}", f"AVERAGE-BANDWIDTH={v.average_bandwidth}"]
        if v.resolution:
            attrs.append(f"RESOLUTION={v.resolution[0]}x{v.resolution[1]}")
        if v.frame_rate:
            attrs.append(f"FRAME-RATE={v.frame_rate:.3f}")
        attrs.append(f'CODECS="{v.codecs}"')
        lines.append("#EXT-X-STREAM-INF:" + ",".join(attrs))
        lines.append(v.uri)
    return "\n".join(lines) + "\n"
