"""Progress JSON API: POST /api/progress/events (batches from the player and story).

Session auth with CSRF (config.api). Each event is answered on its own:
stored / duplicate (200), conflict (409: the id was used with another payload),
not_found (404: a lesson this worker may not open). The response status is 200
when every event was stored or already known, the shared status when every
event failed alike, 207 when they differ. A malformed batch is a 400 naming the
first bad event and what is wrong with it; nothing of it is stored.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Literal

import orjson
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema
from pydantic import Field, TypeAdapter, ValidationError, field_validator

from config.api_kit import StrictModel, body_limit
from progress.services.events import EventData, Outcome, events_record

router = Router(tags=["progress"])

MAX_EVENTS_PER_BATCH = 100
MAX_BODY_BYTES = 64 * 1024

EventType = Literal[
    "play", "pause", "seek", "tick", "ended", "story_step", "story_end", "decision"
]


class PlayedIn(StrictModel):
    start: float = Field(ge=0, le=86400)
    end: float = Field(ge=0, le=86400)


class EventIn(StrictModel):
    # JSON carries the id and the time as strings.
    event_id: uuid.UUID = Field(strict=False)
    lesson: int = Field(ge=1)
    type: EventType
    client_time: datetime = Field(strict=False)
    block: str = Field(default="", max_length=64)
    position: float | None = Field(default=None, ge=0, le=86400)
    played: PlayedIn | None = None
    # Wall-clock seconds the played interval took (performance.now(), not the clock).
    wall_seconds: float | None = Field(default=None, ge=0, le=86400)
    rate: float | None = Field(default=None, gt=0, le=16)
    data: dict = Field(default_factory=dict)

    @field_validator("client_time")
    @classmethod
    def aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("client_time needs a time zone (e.g. ...Z)")
        return value

    @field_validator("data")
    @classmethod
    def small(cls, value: dict) -> dict:
        if len(json.dumps(value)) > 1024:
            raise ValueError("data is larger than 1 KB")
        return value


# The whole list in one call into pydantic's core, not one call per event.
_EVENTS = TypeAdapter(list[EventIn])


class BatchIn(StrictModel):
    events: list[EventIn] = Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)


class EventResult(Schema):
    event_id: uuid.UUID
    status: int
    result: str


class LessonProgressOut(Schema):
    lesson: int
    status: str
    percent: int
    watched_seconds: float
    resume_block: str
    resume_position: float


class BatchOut(Schema):
    results: list[EventResult]
    progress: list[LessonProgressOut]


def _bad(message: str, *, index: int | None = None, event_id=None) -> JsonResponse:
    body = {"detail": message}
    if index is not None:
        body["event_index"] = index
    if event_id is not None:
        body["event_id"] = str(event_id)
    return JsonResponse(body, status=400)


def _parse(request: HttpRequest) -> list[EventIn] | JsonResponse:
    if len(request.body) > MAX_BODY_BYTES:
        return _bad(f"batch is larger than {MAX_BODY_BYTES} bytes")
    try:
        body = orjson.loads(request.body or b"null")
    except orjson.JSONDecodeError:
        return _bad("body is not JSON")
    if not isinstance(body, dict) or not isinstance(body.get("events"), list):
        return _bad('body must be {"events": [...]}')
    raw = body["events"]
    if not raw:
        return _bad("events is empty")
    if len(raw) > MAX_EVENTS_PER_BATCH:
        return _bad(f"more than {MAX_EVENTS_PER_BATCH} events in one batch")
    try:
        return _EVENTS.validate_python(raw)
    except ValidationError as exc:
        # The first error of the first bad event: its location starts with
        # the event's index in the list.
        error = min(exc.errors(), key=lambda e: e["loc"][0])
        index, *path = error["loc"]
        item = raw[index]
        where = ".".join(str(part) for part in path)
        event_id = item.get("event_id") if isinstance(item, dict) else None
        return _bad(
            f"event {index}: {where or 'event'}: {error.get('msg')}",
            index=index,
            event_id=event_id,
        )


def _event_data(event: EventIn) -> EventData:
    return EventData(
        event_id=event.event_id,
        lesson_id=event.lesson,
        type=event.type,
        client_time=event.client_time,
        block_id=event.block,
        position=event.position,
        played_start=event.played.start if event.played else None,
        played_end=event.played.end if event.played else None,
        wall_seconds=event.wall_seconds,
        rate=event.rate,
        data=event.data,
    )


STATUS_OF = {Outcome.STORED: 200, Outcome.DUPLICATE: 200, Outcome.CONFLICT: 409}


@router.post(
    "/events",
    url_name="progress_events",
    summary="Record a batch of progress events (idempotent by event_id)",
    response={200: BatchOut, 207: BatchOut, 404: BatchOut, 409: BatchOut},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": BatchIn.model_json_schema()}},
        }
    },
)
@body_limit(MAX_BODY_BYTES)
def record_events(request: HttpRequest):
    parsed = _parse(request)
    if isinstance(parsed, JsonResponse):
        return parsed
    result = events_record(
        user=request.user, events=[_event_data(event) for event in parsed]
    )
    results = []
    for event in parsed:
        if event.lesson not in result.visible:
            results.append((event.event_id, 404, "not_found"))
        else:
            outcome = result.outcomes[event.event_id]
            results.append((event.event_id, STATUS_OF[outcome], outcome))
    statuses = {status for _id, status, _r in results}
    status = 200 if statuses == {200} else statuses.pop() if len(statuses) == 1 else 207
    # The body is built here, matching BatchOut (the documented schema), rather
    # than validated against it again: 20 results cost a millisecond or two.
    body = {
        "results": [
            {"event_id": str(event_id), "status": code, "result": name}
            for event_id, code, name in results
        ],
        "progress": [
            {
                "lesson": lesson_id,
                "status": row.status,
                "percent": row.percent,
                "watched_seconds": row.watched_seconds,
                "resume_block": row.resume_block,
                "resume_position": row.resume_position,
            }
            for lesson_id, row in result.progress.items()
        ],
    }
    return HttpResponse(
        orjson.dumps(body), content_type="application/json", status=status
    )
