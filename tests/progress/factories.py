"""Events as the phone sends them, and lessons with videos of known length.

lesson = video_lesson(duration=60)
events = [tick(lesson, 0, 15), tick(lesson, 15, 30)]
client.post(EVENTS_URL, batch(events), content_type="application/json")
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from tests.lessons.factories import LessonPageFactory, Script, video_row

EVENTS_URL = "/api/progress/events"
T0 = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


def video_lesson(*, duration: float = 60, story: bool = False, **fields):
    """A lesson whose script is one video (and, with story=True, a narration after)."""
    script = Script().video(video_row(duration=duration))
    if story:
        script = script.narration("第二天，楼道干净了。")
    return LessonPageFactory(script=script.build(), **fields)


def video_block_id(lesson) -> str:
    return next(b.id for b in lesson.script if b.block_type == "video")


def tick(
    lesson,
    start: float,
    end: float,
    *,
    rate: float = 1.0,
    wall: float | None = None,
    at: datetime | None = None,
    type: str = "tick",
    event_id: str | None = None,
    block: str | None = None,
) -> dict:
    """A played interval [start, end] at `rate`, ending at client time `at`."""
    wall = (end - start) / rate if wall is None else wall
    at = at or T0 + timedelta(seconds=end / rate)
    return {
        "event_id": event_id or str(uuid.uuid4()),
        "lesson": lesson.pk,
        "type": type,
        "block": block if block is not None else video_block_id(lesson),
        "position": end,
        "played": {"start": start, "end": end},
        "wall_seconds": wall,
        "rate": rate,
        "client_time": at.isoformat().replace("+00:00", "Z"),
    }


def story_event(lesson, block_id: str, *, type: str = "story_step", seconds=10):
    return {
        "event_id": str(uuid.uuid4()),
        "lesson": lesson.pk,
        "type": type,
        "block": block_id,
        "client_time": T0.isoformat().replace("+00:00", "Z"),
        "data": {"seconds": seconds},
    }


def watch_whole(lesson, duration: float, *, rate: float = 1.0, step: float = 15):
    """Ticks covering 0..duration at `rate`."""
    events, position = [], 0.0
    while position < duration:
        end = min(duration, position + step * rate)
        events.append(tick(lesson, position, end, rate=rate))
        position = end
    return events


def batch(events: list[dict]) -> str:
    return json.dumps({"events": events})


def completed(user, lesson, *, at: datetime | None = None):
    """A finished lesson for user (as the fold would leave it)."""
    from django.utils import timezone

    from progress.models import LessonProgress

    return LessonProgress.objects.create(
        user=user,
        lesson=lesson,
        status=LessonProgress.Status.COMPLETED,
        percent=100,
        completed_at=at or timezone.now(),
    )
