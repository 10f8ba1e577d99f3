"""What a lesson asks of a worker: its videos, story path and quiz (the rule).

A lesson is complete when:
- every video block is covered to at least the lesson's threshold (90% unless
  the trainer set another) of its span (the block's start..end, or the video);
- the story is read to its end on the branch the worker took (a story_end event,
  and a stored choice at every decision on the path from the first step);
- the lesson quiz is passed, if it has one (settings.PROGRESS_QUIZ_RESULT names
  a function (user, lesson) -> True / False / None for "no quiz"; the quizzes
  app provides it).

The facts are read from the script once per published revision and cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_THRESHOLD = 90


@dataclass(frozen=True)
class Step:
    block_id: str
    kind: str
    anchor: str = ""
    # For a decision: option index -> anchor it jumps to ("" = next step).
    jumps: tuple[str, ...] = ()


@dataclass(frozen=True)
class LessonFacts:
    lesson_id: int
    course_id: int | None
    threshold: int
    # Video block id -> (start, end) media seconds that count.
    videos: dict[str, tuple[float, float]] = field(default_factory=dict)
    steps: tuple[Step, ...] = ()

    @property
    def has_story(self) -> bool:
        return any(step.kind != "video" for step in self.steps)

    @property
    def video_seconds(self) -> float:
        return sum(end - start for start, end in self.videos.values())

    def path(self, choices: dict[str, int]) -> tuple[list[Step], bool]:
        """The steps on the worker's path and whether every decision on it is made."""
        index = {step.anchor: i for i, step in enumerate(self.steps) if step.anchor}
        out: list[Step] = []
        i, seen = 0, set()
        while i < len(self.steps) and i not in seen:
            seen.add(i)
            step = self.steps[i]
            out.append(step)
            if step.kind == "decision":
                if step.block_id not in choices:
                    return out, False
                chosen = choices[step.block_id]
                target = step.jumps[chosen] if 0 <= chosen < len(step.jumps) else ""
                if target and target in index:
                    i = index[target]
                    continue
            i += 1
        return out, True


def _video_span(value) -> tuple[float, float] | None:
    video = value.get("video")
    if video is None:
        return None
    duration = float(getattr(video, "duration", 0) or 0)
    start = float(value.get("start") or 0)
    end = float(value.get("end") or duration or 0)
    if duration:
        end = min(end, duration)
    if end <= start:
        return None
    return (start, end)


@lru_cache(maxsize=512)
def _facts(lesson_id: int, version: str) -> LessonFacts:
    from lessons.models import LessonPage

    lesson = LessonPage.objects.get(pk=lesson_id)
    return facts_of(lesson)


def facts_of(lesson) -> LessonFacts:
    """The rule's facts for this (possibly unsaved or previewed) lesson object."""
    videos: dict[str, tuple[float, float]] = {}
    steps: list[Step] = []
    for block in lesson.script:
        kind = block.block_type
        if kind == "video":
            span = _video_span(block.value)
            if span:
                videos[block.id] = span
        anchor = block.value.get("anchor", "") if kind == "scene" else ""
        jumps: tuple[str, ...] = ()
        if kind == "decision":
            jumps = tuple(
                (option.get("jump_to") or "").strip()
                for option in block.value["options"]
            )
        steps.append(Step(block_id=block.id, kind=kind, anchor=anchor, jumps=jumps))
    threshold = getattr(lesson, "completion_threshold", None) or DEFAULT_THRESHOLD
    parent_path = lesson.path[: -lesson.steplen] if lesson.path else ""
    course_id = None
    if parent_path:
        from lessons.models import CoursePage

        course_id = (
            CoursePage.objects.filter(path=parent_path)
            .values_list("pk", flat=True)
            .first()
        )
    return LessonFacts(
        lesson_id=lesson.pk,
        course_id=course_id,
        threshold=int(threshold),
        videos=videos,
        steps=tuple(steps),
    )


def lesson_facts(lesson) -> LessonFacts:
    """Cached facts of a saved lesson, refreshed whenever a revision is published."""
    version = f"{lesson.last_published_at}:{lesson.latest_revision_id}"
    return _facts(lesson.pk, version)


def quiz_result(*, user, lesson) -> bool | None:
    """True/False when the lesson has a quiz (passed or not), None when it has none."""
    path = getattr(settings, "PROGRESS_QUIZ_RESULT", "")
    if not path:
        return None
    return import_string(path)(user=user, lesson=lesson)
