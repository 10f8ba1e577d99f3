"""The HLS ladder: which renditions a source gets.

Rungs are named by their short side, so a portrait phone video gets 270p..720p
rungs of 152x270..720x1280. No rung is larger than the source; a source smaller
than the lowest rung gets a single rung at its own (even) size.
"""

from __future__ import annotations

from dataclasses import dataclass

from .probe import ProbeResult


@dataclass(frozen=True)
class Rung:
    name: str  # "270p"..."720p", or "audio"
    width: int  # 0 for the audio rung
    height: int
    video_bitrate: int  # bits per second; also the x264 VBV cap
    max_rate: int
    audio_bitrate: int
    bandwidth: int  # planned peak, for the master playlist before measuring

    @property
    def is_audio(self) -> bool:
        return self.width == 0


# short side, target video bitrate, peak video bitrate, audio bitrate.
# Sized for phones on weak 4G: the lowest rung must start fast.
LADDER: tuple[tuple[int, int, int, int], ...] = (
    (270, 350_000, 500_000, 64_000),
    (360, 650_000, 900_000, 64_000),
    (540, 1_200_000, 1_700_000, 96_000),
    (720, 2_000_000, 2_800_000, 96_000),
)
AUDIO_ONLY_BITRATE = 96_000


def plan_ladder(probe: ProbeResult) -> list[Rung]:
    if probe.kind == "audio":
        return [audio_rung()]
    width, height = probe.width, probe.height
    if not width or not height:
        raise ValueError("a video probe without a size")
    short, long = min(width, height), max(width, height)
    portrait = height > width

    rungs = []
    for target_short, bitrate, max_rate, audio in LADDER:
        if target_short > short:
            break
        rungs.append(_rung(target_short, short, long, portrait, bitrate, max_rate,
                           audio))  # fmt: skip
    if not rungs:
        target_short, bitrate, max_rate, audio = LADDER[0]
        # Rounded down, so an odd 321x241 source becomes 320x240, not 322x242.
        rungs.append(_rung(max(2, short - short % 2), short, long, portrait,
                           bitrate, max_rate, audio))  # fmt: skip
    return rungs


def audio_rung() -> Rung:
    return Rung(
        name="audio",
        width=0,
        height=0,
        video_bitrate=0,
        max_rate=0,
        audio_bitrate=AUDIO_ONLY_BITRATE,
        bandwidth=int(AUDIO_ONLY_BITRATE * 1.1),
    )


def _rung(target_short, short, long, portrait, bitrate, max_rate, audio) -> Rung:
    target_short = even(target_short)
    target_long = even(round(long * target_short / short))
    width, height = (
        (target_short, target_long) if portrait else (target_long, target_short)
    )
    return Rung(
        name=f"{target_short}p",
        width=width,
        height=height,
        video_bitrate=bitrate,
        max_rate=max_rate,
        audio_bitrate=audio,
        bandwidth=int((max_rate + audio) * 1.1),  # plus container overhead
    )


def even(value: float) -> int:
    """H.264 4:2:0 needs even dimensions; round to the nearest even number ≥ 2."""
    return max(2, int(round(value / 2.0)) * 2)
