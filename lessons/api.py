"""Lesson JSON API: a learner records a decision and only then gets its consequence."""

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from config.api_kit import StrictSchema
from lessons.selectors import decision_block, decision_outcome, lesson_for_learner
from lessons.services import DecisionNotFound, OptionOutOfRange, decision_record

router = Router(tags=["lessons"])


class DecisionIn(StrictSchema):
    decision_id: str = Field(max_length=64)
    option_index: int


class DecisionOut(Schema):
    decision_id: str
    option_index: int
    rating: str
    rating_label: str
    consequence: str
    jump_to: str


@router.post(
    "/{lesson_id}/decisions",
    response=DecisionOut,
    url_name="lesson_decision_record",
    summary="Record the learner's choice at a decision point",
)
def record_decision(request: HttpRequest, lesson_id: int, payload: DecisionIn):
    lesson = lesson_for_learner(viewer=request.user, lesson_id=lesson_id)
    if lesson is None:
        raise Http404
    try:
        choice = decision_record(
            user=request.user,
            lesson=lesson,
            decision_id=payload.decision_id,
            option_index=payload.option_index,
        )
    except DecisionNotFound as exc:
        raise Http404 from exc
    except OptionOutOfRange as exc:
        raise HttpError(400, "option_index is not an option of this decision") from exc
    block = decision_block(lesson=lesson, decision_id=choice.decision_id)
    return decision_outcome(
        decision_id=choice.decision_id,
        decision_value=block.value,
        option_index=choice.option_index,
    )
