"""Learning records as xAPI 1.0.3 statements (video profile verbs), no ORM writes.

Statement ids are UUIDv5 of the event id (of user+lesson for a completion, of
the attempt for a quiz), so exporting the same rows twice gives byte-identical
lines. Quiz attempts come from the quizzes app through settings.
PROGRESS_XAPI_EXTRA (quizzes.xapi.attempt_statements), as the quiz result does.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from django.conf import settings

NAMESPACE = uuid.UUID("6f1c2a5e-1b2d-4c7e-9a43-5e0f0c8b7d21")
VIDEO = "https://w3id.org/xapi/video"
VERBS = {
    "play": (f"{VIDEO}/verbs/played", "played"),
    "pause": (f"{VIDEO}/verbs/paused", "paused"),
    "seek": (f"{VIDEO}/verbs/seeked", "seeked"),
    "tick": ("http://adlnet.gov/expapi/verbs/progressed", "progressed"),
    "ended": ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    "story_step": ("http://adlnet.gov/expapi/verbs/experienced", "experienced"),
    "story_end": ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    "decision": ("http://adlnet.gov/expapi/verbs/answered", "answered"),
}
COMPLETED = ("http://adlnet.gov/expapi/verbs/completed", "completed")
PASSED = ("http://adlnet.gov/expapi/verbs/passed", "passed")
FAILED = ("http://adlnet.gov/expapi/verbs/failed", "failed")


def _base() -> str:
    return getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "http://localhost"


def _actor(user_id: int, username: str) -> dict:
    return {
        "objectType": "Agent",
        "account": {"homePage": _base(), "name": username or str(user_id)},
    }


def _lesson_activity(lesson_id: int, title: str) -> dict:
    return {
        "objectType": "Activity",
        "id": f"{_base()}/xapi/lessons/{lesson_id}",
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/lesson",
            "name": {"zh-CN": title},
        },
    }


def _time(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def event_statement(event, *, username: str, title: str) -> dict:
    verb_id, verb_name = VERBS[event.type]
    lesson = _lesson_activity(event.lesson_id, title)
    statement = {
        "id": str(uuid.uuid5(NAMESPACE, str(event.event_id))),
        "version": "1.0.3",
        "actor": _actor(event.user_id, username),
        "verb": {"id": verb_id, "display": {"en-US": verb_name}},
        "timestamp": _time(event.client_time),
        "stored": _time(event.received_at),
    }
    is_video = event.type in ("play", "pause", "seek", "tick", "ended")
    if is_video and event.block_id:
        statement["object"] = {
            "objectType": "Activity",
            "id": f"{lesson['id']}/video/{event.block_id}",
            "definition": {"type": f"{VIDEO}/activity-type/video"},
        }
        statement["context"] = {"contextActivities": {"parent": [lesson]}}
        extensions = {}
        if event.position is not None:
            extensions[f"{VIDEO}/extensions/time"] = round(event.position, 3)
        if event.credited_end is not None and event.credited_seconds > 0:
            segment = f"{event.credited_start:.3f}[.]{event.credited_end:.3f}"
            extensions[f"{VIDEO}/extensions/played-segments"] = segment
        if event.rate:
            extensions[f"{VIDEO}/extensions/speed"] = f"{event.rate}x"
        if extensions:
            statement["result"] = {"extensions": extensions}
    else:
        statement["object"] = lesson
        if event.block_id:
            statement["context"] = {
                "extensions": {f"{_base()}/xapi/extensions/block": event.block_id}
            }
    return statement


def completion_statement(row, *, username: str, title: str) -> dict:
    verb_id, verb_name = COMPLETED
    key = f"completed:{row.user_id}:{row.lesson_id}"
    return {
        "id": str(uuid.uuid5(NAMESPACE, key)),
        "version": "1.0.3",
        "actor": _actor(row.user_id, username),
        "verb": {"id": verb_id, "display": {"en-US": verb_name}},
        "object": _lesson_activity(row.lesson_id, title),
        "result": {"completion": True},
        "timestamp": _time(row.completed_at),
    }


def _quiz_activity(quiz_id: int, title: str) -> dict:
    return {
        "objectType": "Activity",
        "id": f"{_base()}/xapi/quizzes/{quiz_id}",
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/assessment",
            "name": {"zh-CN": title},
        },
    }


def quiz_statement(
    *,
    attempt_id: int,
    user_id: int,
    username: str,
    quiz_id: int,
    quiz_title: str,
    lessons: list[tuple[int, str]],
    passed: bool,
    points: float,
    max_points: float,
    at,
) -> dict:
    """A graded quiz attempt: passed or failed, with its score.

    The id is UUIDv5 of the attempt's id, so a re-export gives the same line;
    the lessons the quiz is placed in are its parent activities.
    """
    verb_id, verb_name = PASSED if passed else FAILED
    scaled = round(points / max_points, 4) if max_points else 0.0
    statement = {
        "id": str(uuid.uuid5(NAMESPACE, f"quiz-attempt:{attempt_id}")),
        "version": "1.0.3",
        "actor": _actor(user_id, username),
        "verb": {"id": verb_id, "display": {"en-US": verb_name}},
        "object": _quiz_activity(quiz_id, quiz_title),
        "result": {
            "score": {
                "scaled": scaled,
                "raw": points,
                "min": 0,
                "max": max_points,
            },
            "success": bool(passed),
            "completion": True,
        },
        "timestamp": _time(at),
    }
    if lessons:
        statement["context"] = {
            "contextActivities": {
                "parent": [_lesson_activity(pk, title) for pk, title in lessons]
            }
        }
    return statement


def statements(*, since=None) -> Iterator[dict]:
    """Every progress event, lesson completion and (through PROGRESS_XAPI_EXTRA)
    graded quiz attempt from `since` on, each kind oldest first."""
    from lessons.models import LessonPage
    from progress.models import LessonProgress, ProgressEvent

    events = ProgressEvent.objects.select_related("user").order_by("received_at", "id")
    rows = LessonProgress.objects.filter(completed_at__isnull=False).select_related(
        "user"
    )
    if since is not None:
        events = events.filter(received_at__gte=since)
        rows = rows.filter(completed_at__gte=since)
    titles = dict(LessonPage.objects.values_list("pk", "title"))
    for event in events.iterator(chunk_size=2000):
        yield event_statement(
            event,
            username=event.user.get_username(),
            title=titles.get(event.lesson_id, ""),
        )
    for row in rows.order_by("completed_at", "id"):
        yield completion_statement(
            row, username=row.user.get_username(), title=titles.get(row.lesson_id, "")
        )
    hook = getattr(settings, "PROGRESS_XAPI_EXTRA", "")
    if hook:
        from django.utils.module_loading import import_string

        yield from import_string(hook)(since=since)
