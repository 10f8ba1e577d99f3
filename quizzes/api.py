"""Quiz JSON API: start or resume, save answers as given, submit, read the result.

Before submission the answers carry only text and the learner's own choices;
correctness, feedback, explanations and scores exist only in the result, which
is answered only for a submitted attempt.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from config.api_kit import StrictSchema
from quizzes import selectors
from quizzes.services import (
    AttemptClosed,
    AttemptError,
    InvalidAnswer,
    QuizAttempt,
    TimeUp,
    attempt_answer_save,
    attempt_start,
    attempt_submit,
)

router = Router(tags=["quizzes"])


class OptionOut(Schema):
    id: int
    text: str


class QuestionOut(Schema):
    position: int
    type: str
    type_label: str
    scenario: str
    stem: str
    options: list[OptionOut]
    chosen: list[int]


class AttemptOut(Schema):
    id: int
    quiz_id: int
    number: int
    status: str
    layout: str
    remaining_seconds: int | None
    questions: list[QuestionOut]


class AnswerIn(StrictSchema):
    option_ids: list[int] = Field(max_length=6)


class AnswerOut(Schema):
    position: int
    option_ids: list[int]
    saved: bool


class OptionResultOut(Schema):
    id: int
    text: str
    chosen: bool
    correct: bool | None
    feedback: str


class QuestionResultOut(Schema):
    position: int
    stem: str
    scenario: str
    credit: float
    options: list[OptionResultOut]
    explanation: str


class ResultOut(Schema):
    attempt_id: int
    number: int
    score: float
    points: float
    max_points: float
    passed: bool
    pass_mark: int
    submit_reason: str
    submitted_at: str
    answers_shown: bool
    questions: list[QuestionResultOut]


def _attempt_out(attempt: QuizAttempt) -> dict:
    remaining = None
    if attempt.deadline:
        remaining = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    return {
        "id": attempt.pk,
        "quiz_id": attempt.quiz_id,
        "number": attempt.number,
        "status": attempt.status,
        "layout": attempt.quiz.layout,
        "remaining_seconds": remaining,
        "questions": selectors.attempt_questions(attempt=attempt),
    }


def _own_attempt(request, attempt_id: int) -> QuizAttempt:
    attempt = selectors.attempt_for_learner(viewer=request.user, attempt_id=attempt_id)
    if attempt is None:
        raise Http404
    return attempt


@router.post(
    "/{quiz_id}/attempts",
    response=AttemptOut,
    url_name="quiz_attempt_start",
    summary="Start a new attempt, or resume the open one",
)
def start(request: HttpRequest, quiz_id: int):
    quiz = selectors.quiz_for_learner(viewer=request.user, quiz_id=quiz_id)
    if quiz is None:
        raise Http404
    try:
        attempt = attempt_start(user=request.user, quiz=quiz)
    except AttemptError as exc:
        raise HttpError(409, str(exc)) from exc
    return _attempt_out(attempt)


@router.get(
    "/attempts/{attempt_id}",
    response=AttemptOut,
    url_name="quiz_attempt",
    summary="The attempt's questions and saved choices (no answer key)",
)
def attempt_detail(request: HttpRequest, attempt_id: int):
    return _attempt_out(_own_attempt(request, attempt_id))


@router.put(
    "/attempts/{attempt_id}/answers/{position}",
    response=AnswerOut,
    url_name="quiz_answer_save",
    summary="Save the options chosen for one question (nothing about correctness)",
)
def save_answer(
    request: HttpRequest, attempt_id: int, position: int, payload: AnswerIn
):
    attempt = _own_attempt(request, attempt_id)
    try:
        answer = attempt_answer_save(
            user=request.user,
            attempt_id=attempt.pk,
            position=position,
            option_ids=payload.option_ids,
        )
    except InvalidAnswer as exc:
        raise HttpError(400, str(exc)) from exc
    except (TimeUp, AttemptClosed) as exc:
        raise HttpError(409, str(exc)) from exc
    return {"position": answer.position, "option_ids": answer.chosen, "saved": True}


@router.post(
    "/attempts/{attempt_id}/submit",
    response=ResultOut,
    url_name="quiz_attempt_submit",
    summary="Submit (grades once; a repeat returns the same result)",
)
def submit(request: HttpRequest, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    graded = attempt_submit(user=request.user, attempt_id=attempt.pk)
    return selectors.attempt_result(attempt=graded)


@router.get(
    "/attempts/{attempt_id}/result",
    response=ResultOut,
    url_name="quiz_attempt_result",
    summary="The graded result (409 while the attempt is open)",
)
def result(request: HttpRequest, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if attempt.is_open:
        raise HttpError(409, "attempt not submitted")
    return selectors.attempt_result(attempt=attempt)
