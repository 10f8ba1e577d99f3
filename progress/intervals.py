"""Played intervals: clamping a claimed interval and merging them into a union.

Pure functions (no ORM), so the arithmetic is tested on its own. Union is
commutative, associative and idempotent: folding the same intervals in any
order, any number of times, gives the same coverage.
"""

from __future__ import annotations

from dataclasses import dataclass

# Up to 2x counts; a little slack for timer jitter between the tick and the clock.
MAX_CREDITED_RATE = 2.0
RATE_SLACK = 1.1
SLACK_SECONDS = 1.0
# The longest single interval a client may report (it sends every 15-30 s, and
# on pause; a phone offline keeps one interval per tick).
MAX_WALL_SECONDS = 120.0

Interval = tuple[float, float]


@dataclass(frozen=True)
class Credit:
    start: float
    end: float
    flag: str = ""

    @property
    def seconds(self) -> float:
        return max(0.0, self.end - self.start)


def clamp(
    *,
    start: float,
    end: float,
    wall_seconds: float,
    rate: float,
    span: Interval,
) -> Credit:
    """What a claimed interval [start, end] may credit.

    - outside the video's span (the block's start..end, or 0..duration): cut,
      flagged beyond_duration;
    - more media time than the wall-clock time at the allowed rate (the
      reported rate, at most 2x): cut from the end, flagged too_fast.
    """
    flag = ""
    lo, hi = span
    if end < start:
        start, end = end, start
    if start < lo - SLACK_SECONDS or end > hi + SLACK_SECONDS:
        flag = "beyond_duration"
    start, end = max(start, lo), min(end, hi)
    if end <= start:
        return Credit(start=lo, end=lo, flag=flag or "beyond_duration")
    wall = min(max(wall_seconds, 0.0), MAX_WALL_SECONDS)
    allowed_rate = min(max(rate, 0.0), MAX_CREDITED_RATE) or 1.0
    allowed = wall * allowed_rate * RATE_SLACK + SLACK_SECONDS
    if end - start > allowed:
        end = start + max(0.0, wall * allowed_rate)
        flag = flag or "too_fast"
    return Credit(start=round(start, 3), end=round(end, 3), flag=flag)


def merge(intervals: list[list[float]] | list[Interval]) -> list[list[float]]:
    """The union of intervals as sorted, non-overlapping [start, end] pairs.

    Touching intervals (within 0.25 s, a tick's rounding) join, so back-to-back
    ticks make one interval.
    """
    ordered = sorted((float(s), float(e)) for s, e in intervals if e > s)
    out: list[list[float]] = []
    for start, end in ordered:
        if out and start <= out[-1][1] + 0.25:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return out


def covered(intervals: list[list[float]]) -> float:
    return sum(end - start for start, end in intervals)
