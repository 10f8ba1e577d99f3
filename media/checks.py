"""System checks for the media pipeline (as wagtail/images/checks.py does).

`manage.py check` (and every management command, the worker and the server at
start) runs the configured FFMPEG_BINARY and FFPROBE_BINARY, the binaries the
pipeline itself uses, and confirms that ffmpeg has the libx264 and AAC encoders
and the filters the transcode graph needs. /healthz (cms/health.py) calls the
same `ffmpeg_problems`.
"""

from __future__ import annotations

import os
import subprocess

from django.conf import settings
from django.core.checks import Error, Tags, register

TIMEOUT_SECONDS = 10
ENCODERS = ("libx264", "aac")
# Every filter media/ffmpeg/transcode.py puts in its graph.
FILTERS = (
    "fps",
    "split",
    "asplit",
    "scale",
    "setsar",
    "format",
    "select",
    "loudnorm",
    "aresample",
    "aformat",
    "zscale",
    "tonemap",
)
# zscale and tonemap only serve HDR sources; without them HDR uploads fail, SDR work.
OPTIONAL_FILTERS = frozenset({"zscale", "tonemap"})


def _run(binary: str, *args: str) -> str:
    result = subprocess.run(
        [binary, "-hide_banner", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        stdin=subprocess.DEVNULL,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        check=False,
    )
    if result.returncode != 0:
        raise OSError(f"{binary} {' '.join(args)} exited {result.returncode}")
    return result.stdout


def _names(listing: str) -> set[str]:
    """Names from `ffmpeg -encoders` / `-filters` (flags column, then the name)."""
    names = set()
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) >= 2 and not line.startswith(" ="):
            names.add(parts[1])
    return names


def ffmpeg_problems(ffmpeg: str | None = None, ffprobe: str | None = None) -> list[str]:
    """What is wrong with the configured binaries (empty when they will do)."""
    ffmpeg = ffmpeg or settings.FFMPEG_BINARY
    ffprobe = ffprobe or settings.FFPROBE_BINARY
    problems = []
    try:
        _run(ffprobe, "-version")
    except (OSError, subprocess.SubprocessError) as exc:
        problems.append(f"FFPROBE_BINARY {ffprobe!r} does not run: {exc}")
    try:
        encoders = _names(_run(ffmpeg, "-encoders"))
        filters = _names(_run(ffmpeg, "-filters"))
    except (OSError, subprocess.SubprocessError) as exc:
        return [*problems, f"FFMPEG_BINARY {ffmpeg!r} does not run: {exc}"]
    missing = [e for e in ENCODERS if e not in encoders]
    if missing:
        problems.append(f"{ffmpeg} lacks the encoders {', '.join(missing)}")
    missing = [f for f in FILTERS if f not in filters and f not in OPTIONAL_FILTERS]
    if missing:
        problems.append(f"{ffmpeg} lacks the filters {', '.join(missing)}")
    return problems


@register(Tags.compatibility)
def ffmpeg_check(app_configs=None, **kwargs) -> list[Error]:
    return [
        Error(
            problem,
            hint="Install ffmpeg (Debian: apt-get install ffmpeg) or point "
            "FFMPEG_BINARY / FFPROBE_BINARY at a build with libx264 and AAC.",
            id="media.E001",
        )
        for problem in ffmpeg_problems()
    ]
