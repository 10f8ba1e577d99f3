"""Graded quiz attempts as xAPI passed/failed statements, for export_xapi.

settings.PROGRESS_XAPI_EXTRA names attempt_statements; progress.xapi builds the
statements, so the progress app needs no import of this one.
"""

from __future__ import annotations

from collections.abc import Iterator

from lessons.models import LessonPage
from progress.xapi import quiz_statement
from quizzes.models import QuizAttempt, QuizPlacement


def attempt_statements(*, since=None) -> Iterator[dict]:
    """One statement per submitted, graded attempt from `since` on, oldest first."""
    attempts = (
        QuizAttempt.objects.filter(
            status=QuizAttempt.Status.SUBMITTED,
            passed__isnull=False,
            points__isnull=False,
            submitted_at__isnull=False,
        )
        .select_related("user", "quiz")
        .order_by("submitted_at", "id")
    )
    if since is not None:
        attempts = attempts.filter(submitted_at__gte=since)
    titles = dict(LessonPage.objects.values_list("pk", "title"))
    lessons: dict[int, list[tuple[int, str]]] = {}
    for quiz_id, lesson_id in QuizPlacement.objects.order_by("lesson_id").values_list(
        "quiz_id", "lesson_id"
    ):
        lessons.setdefault(quiz_id, []).append((lesson_id, titles.get(lesson_id, "")))
    for attempt in attempts.iterator(chunk_size=2000):
        yield quiz_statement(
            attempt_id=attempt.pk,
            user_id=attempt.user_id,
            username=attempt.user.get_username(),
            quiz_id=attempt.quiz_id,
            quiz_title=attempt.quiz.title,
            lessons=lessons.get(attempt.quiz_id, []),
            passed=bool(attempt.passed),
            points=float(attempt.points),
            max_points=float(attempt.max_points or 0),
            at=attempt.submitted_at,
        )
