"""Lesson JSON API: a learner records a decision and only then gets its consequence.

The answer also carries the story steps the choice leads to, rendered as the
page renders them: until the choice is stored, no branch is in the browser.
"""

from dataclasses import replace

from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from ninja import Router
from ninja.errors import HttpError
from pydantic import Field

from config.api_kit import StrictSchema
from lessons.decisions import (
    DecisionNotFound,
    DecisionOutcome,
    OptionOutOfRange,
    decision_record,
)
from lessons.selectors import lesson_for_learner
from lessons.story import story_continuation

router = Router(tags=["lessons"])


class DecisionIn(StrictSchema):
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
        outcome = decision_record(
            user=request.user,
            lesson=lesson,
            decision_id=payload.decision_id,
            option_index=payload.option_index,
        )
    except DecisionNotFound as exc:
        raise Http404 from exc
    except OptionOutOfRange as exc:
        raise HttpError(400, "option_index is not an option of this decision") from exc
    story = story_continuation(
        viewer=request.user, lesson=lesson, decision_id=outcome.decision_id
    )
    html = render_to_string(
        "lessons/includes/story_steps.html",
        {"page": lesson, "story": story, "steps": story.steps},
        request=request,
    )
    return replace(outcome, continuation=html)
