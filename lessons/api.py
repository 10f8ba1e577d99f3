"""Lesson JSON API: a learner records a decision and only then gets its consequence."""

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from lessons.decisions import (
    DecisionNotFound,
    DecisionOutcome,
    OptionOutOfRange,
    decision_record,
)
from lessons.selectors import lesson_for_learner

router = Router(tags=["lessons"])


class DecisionIn(Schema):
    decision_id: str = Field(max_length=64)
    option_index: int


@router.post(
    "/{lesson_id}/decisions",
    response=DecisionOutcome,
    url_name="lesson_decision_record",
    summary="Record the learner's choice at a decision point",
)
def record_decision(request: HttpRequest, lesson_id: int, payload: DecisionIn):
    lesson = lesson_for_learner(viewer=request.user, lesson_id=lesson_id)
    if lesson is None:
        raise Http404
    try:
        return decision_record(
            user=request.user,
            lesson=lesson,
            decision_id=payload.decision_id,
            option_index=payload.option_index,
        )
    except DecisionNotFound as exc:
        raise Http404 from exc
    except OptionOutOfRange as exc:
        raise HttpError(400, "option_index is not an option of this decision") from exc
