"""Small test media made with the real ffmpeg at test time (nothing binary is
committed), and the hostile files the pipeline must refuse."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

from tests.deps import require_binary


def _ffmpeg(*args: str) -> None:
    require_binary("ffmpeg")
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-y", *args],
        check=True,
        timeout=120,
    )


def make_clip(
    path: Path,
    *,
    duration: float = 2,
    size: str = "320x240",
    fps: int = 15,
    audio: bool = True,
    rotate: int | None = None,
    pix_fmt: str | None = None,
    codec: str = "libx264",
    vfr: bool = False,
    container: str = "mp4",
    faststart: bool = False,
    picture: str | None = None,
    hdr: bool = False,
) -> Path:
    """A moving test pattern (testsrc2) with a tone, encoded like a phone would.

    ``rotate`` writes display-rotation metadata (as phones do for portrait video)
    without turning the pixels; ``vfr`` drops every fourth frame and keeps the
    gaps in the timestamps, as variable-frame-rate phone recordings have.
    ``picture`` replaces the test pattern with another lavfi video source;
    ``hdr`` tags the video as HLG BT.2020 (use with a 10-bit ``pix_fmt``).
    """
    path = Path(path)
    picture = picture or f"testsrc2=size={size}:rate={fps}"
    args = ["-f", "lavfi", "-i", picture]
    if audio:
        args += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"]
    args += ["-t", str(duration)]
    if vfr:
        args += ["-vf", r"select=not(eq(mod(n\,4)\,1))", "-vsync", "vfr"]
    args += ["-c:v", codec]
    if codec == "libx265":
        args += ["-x265-params", "log-level=error", "-tag:v", "hvc1"]
    if hdr:  # tagged as an iPhone tags its HLG recordings
        args += ["-color_primaries", "bt2020", "-color_trc", "arib-std-b67",
                 "-colorspace", "bt2020nc"]  # fmt: skip
    if codec == "libx264":
        args += ["-preset", "ultrafast"]
    if pix_fmt:
        args += ["-pix_fmt", pix_fmt]
    if audio:
        args += ["-c:a", "libopus" if container == "webm" else "aac"]
    if faststart:
        args += ["-movflags", "+faststart"]
    if rotate is None:
        _ffmpeg(*args, "-f", container, str(path))
        return path
    # An encode drops the rotate tag; a stream copy keeps it, as a display matrix.
    upright = path.with_name(f"upright-{path.name}")
    _ffmpeg(*args, "-f", container, str(upright))
    _ffmpeg(
        "-i", str(upright), "-map", "0", "-c", "copy",
        "-metadata:s:v:0", f"rotate={rotate}", "-f", container, str(path),
    )  # fmt: skip
    upright.unlink()
    return path


def make_audio(
    path: Path,
    *,
    duration: float = 2,
    container: str | None = None,
    volume: float = 1.0,
) -> Path:
    """A speech-band tone; the container follows the suffix (.mp3, .m4a, .wav).
    ``volume`` scales the tone (0.05 is a quiet recording, about -40 LUFS)."""
    path = Path(path)
    args = ["-f", "lavfi", "-i", "sine=frequency=300:sample_rate=44100",
            "-af", f"volume={volume}", "-t", str(duration)]  # fmt: skip
    if container:
        args += ["-f", container]
    _ffmpeg(*args, str(path))
    return path


def make_truncated(src: Path, dst: Path, *, keep: float = 0.5) -> Path:
    """The first ``keep`` of ``src``'s bytes, like an upload cut off midway."""
    data = Path(src).read_bytes()
    Path(dst).write_bytes(data[: int(len(data) * keep)])
    return Path(dst)


def make_hls_trap(path: Path, canary: Path) -> Path:
    """An HLS playlist named like a video, whose only segment is a local file.
    Stock ffmpeg guesses the hls demuxer from the #EXTM3U content and opens the
    segment. (The canary needs an extension hls accepts, e.g. .ts.)"""
    Path(path).write_text(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n"
        "#EXT-X-MEDIA-SEQUENCE:0\n"
        f"#EXTINF:10.0,\nfile:{Path(canary).resolve()}\n#EXT-X-ENDLIST\n"
    )
    return Path(path)


def make_concat_trap(path: Path, canary: Path) -> Path:
    """An ffconcat script named like a video. The canary must sit beside it: the
    concat demuxer's default safe mode refuses absolute names."""
    canary = Path(canary)
    if canary.resolve().parent != Path(path).resolve().parent:
        raise ValueError("the canary must be in the same directory as the trap")
    Path(path).write_text(f"ffconcat version 1.0\nfile '{canary.name}'\n")
    return Path(path)


def make_avi_hls_trap(path: Path, canary: Path) -> Path:
    """The CVE-2016-1898 / CVE-2017-9993 carrier: an AVI whose subtitle stream
    holds a GAB2 chunk, and the chunk holds an HLS playlist pointing at a local
    file. ffmpeg's avi demuxer probes GAB2 payloads with a nested demuxer."""
    playlist = (
        "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\n"
        f"file:{Path(canary).resolve()}\n#EXT-X-ENDLIST\n"
    ).encode()
    name = "x".encode("utf-16-le") + b"\0\0"
    gab2 = (
        b"GAB2\0" + struct.pack("<H", 2) + struct.pack("<I", len(name)) + name
        + struct.pack("<H", 4) + struct.pack("<I", len(playlist)) + playlist
    )  # fmt: skip

    def chunk(fourcc: bytes, data: bytes) -> bytes:
        pad = b"\0" if len(data) % 2 else b""
        return fourcc + struct.pack("<I", len(data)) + data + pad

    def riff_list(kind: bytes, fourcc: bytes, data: bytes) -> bytes:
        return kind + struct.pack("<I", len(data) + 4) + fourcc + data

    avih = struct.pack(
        "<IIIIIIIIII4I", 40000, 0, 0, 0x10, 1, 0, 1, 0, 320, 240, 0, 0, 0, 0
    )
    strh = struct.pack(
        "<4s4sIHHIIIIIIIIhhhh", b"txts", b"\0\0\0\0", 0, 0, 0, 0, 1, 25, 0, 1,
        len(gab2), 0xFFFFFFFF, 0, 0, 0, 0, 0,
    )  # fmt: skip
    strl = riff_list(b"LIST", b"strl", chunk(b"strh", strh) + chunk(b"strf", b""))
    hdrl = riff_list(b"LIST", b"hdrl", chunk(b"avih", avih) + strl)
    movi = riff_list(b"LIST", b"movi", chunk(b"00tx", gab2))
    idx1 = chunk(b"idx1", struct.pack("<4sIII", b"00tx", 0x10, 4, len(gab2)))
    body = b"AVI " + hdrl + movi + idx1
    Path(path).write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return Path(path)


def make_image(path: Path) -> Path:
    """One PNG frame (the demuxer is chosen by the suffix of ``path``)."""
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1",
            "-update", "1", str(path))  # fmt: skip
    return Path(path)


def make_zeroed_media_data(src: Path, dst: Path) -> Path:
    """``src`` (an MP4 with its index at the end) with every media byte zeroed:
    the container is intact, the pictures cannot be decoded."""
    data = bytearray(Path(src).read_bytes())
    at = data.find(b"mdat")
    size = int.from_bytes(data[at - 4 : at], "big")
    data[at + 4 : at - 4 + size] = bytes(size - 8)
    Path(dst).write_bytes(data)
    return Path(dst)
