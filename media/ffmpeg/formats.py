"""The containers we accept, and the input options that hold ffmpeg to them.

Accepted demuxers (ffmpeg's names):
- mov (MP4, MOV, M4A, 3GP): phones, screen recorders, most cameras;
- matroska (MKV, WebM): Android screen recorders, browser recordings;
- mpegts (TS, MTS/M2TS): camcorders (AVCHD) and some phone exports;
- mp3, aac (ADTS), wav, flac, ogg (Ogg Vorbis/Opus): audio lessons and voice memos.

Deliberately absent: hls, concat and every playlist demuxer (they open other
files and URLs), image and image-pipe demuxers, subtitle and text demuxers (tty,
srt, ass...), avi (legacy, and the carrier of the CVE-2016-1898/CVE-2017-9993
embedded-playlist trick), lavfi and device inputs.
"""

from __future__ import annotations

ACCEPTED_DEMUXERS: tuple[str, ...] = (
    "mov",
    "matroska",
    "mpegts",
    "mp3",
    "aac",
    "wav",
    "flac",
    "ogg",
)

FORMAT_WHITELIST = ",".join(ACCEPTED_DEMUXERS)
PROTOCOL_WHITELIST = "file"


def untrusted_input_options(*, max_streams: int, demuxer: str | None = None) -> dict:
    """Options for opening an uploaded file (ffmpeg-python input kwargs).

    ``demuxer`` forces the container found by the probe, so ffmpeg never probes
    the bytes again and cannot pick another demuxer the second time.
    """
    options = {
        "protocol_whitelist": PROTOCOL_WHITELIST,
        "format_whitelist": FORMAT_WHITELIST,
        "max_streams": str(max_streams),
    }
    if demuxer is not None:
        if demuxer not in ACCEPTED_DEMUXERS:
            raise ValueError(f"demuxer {demuxer!r} is not accepted")
        options["f"] = demuxer
    return options


def untrusted_input_args(*, max_streams: int, demuxer: str | None = None) -> list:
    args: list[str] = []
    for key, value in untrusted_input_options(
        max_streams=max_streams, demuxer=demuxer
    ).items():
        args += [f"-{key}", value]
    return args


def file_url(path) -> str:
    """``file:`` makes a name such as ``http:x.mp4`` or ``-i.mp4`` a plain file."""
    return f"file:{path}"


def demuxer_for(format_name: str) -> str | None:
    """ffprobe reports e.g. ``mov,mp4,m4a,3gp,3g2,mj2``: return ``mov``, the name
    that ``-f`` accepts, or None when the demuxer is not one we accept."""
    first = format_name.split(",")[0].strip()
    return first if first in ACCEPTED_DEMUXERS else None
