"""Learner quiz pages (work without JavaScript; quiz.js saves answers as given).

Thin: parse the request, call quizzes.services / quizzes.review, render what
quizzes.selectors returns. Before submission nothing here reads the answer key.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from quizzes import selectors
from quizzes.models import QuizAttempt, ReviewCard
from quizzes.review import ReviewNotDue, review_answer, review_due
from quizzes.services import (
    AttemptClosed,
    AttemptError,
    InvalidAnswer,
    TimeUp,
    attempt_answer_save,
    attempt_start,
    attempt_submit,
    attempts_left,
)


def _quiz_or_404(request, quiz_id):
    quiz = selectors.quiz_for_learner(viewer=request.user, quiz_id=quiz_id)
    if quiz is None:
        raise Http404
    return quiz


def _attempt_or_404(request, attempt_id) -> QuizAttempt:
    attempt = selectors.attempt_for_learner(viewer=request.user, attempt_id=attempt_id)
    if attempt is None:
        raise Http404
    return attempt


def _option_ids(request) -> list[int]:
    try:
        return [int(value) for value in request.POST.getlist("option")]
    except ValueError:
        raise InvalidAnswer from None


@require_GET
@login_required
def quiz_detail(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = _quiz_or_404(request, quiz_id)
    attempts = selectors.attempts_of(viewer=request.user, quiz=quiz)
    open_attempt = next((a for a in attempts if a.is_open), None)
    return render(
        request,
        "quizzes/quiz_detail.html",
        {
            "quiz": quiz,
            "attempts": [a for a in attempts if not a.is_open],
            "open_attempt": open_attempt,
            "left": attempts_left(quiz=quiz, user=request.user),
            "lesson": quiz.placements.filter(lesson__live=True).first(),
        },
    )


@require_POST
@login_required
def quiz_start(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = _quiz_or_404(request, quiz_id)
    try:
        attempt = attempt_start(user=request.user, quiz=quiz)
    except AttemptError as exc:
        messages.error(request, str(exc))
        return redirect("quizzes:quiz", quiz_id=quiz.pk)
    return redirect("quizzes:attempt", attempt_id=attempt.pk)


def _position(request, count: int) -> int:
    try:
        position = int(request.GET.get("q", "1"))
    except ValueError:
        position = 1
    return min(max(position, 1), count)


@require_GET
@login_required
def attempt_take(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _attempt_or_404(request, attempt_id)
    if not attempt.is_open:
        return redirect("quizzes:result", attempt_id=attempt.pk)
    if attempt.deadline and attempt.deadline < _now():
        attempt_submit(user=request.user, attempt_id=attempt.pk)
        return redirect("quizzes:result", attempt_id=attempt.pk)
    questions = selectors.attempt_questions(attempt=attempt)
    one_per_screen = attempt.quiz.layout == attempt.quiz.Layout.ONE_PER_SCREEN
    position = _position(request, len(questions))
    shown = [questions[position - 1]] if one_per_screen else questions
    return render(
        request,
        "quizzes/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": shown,
            "count": len(questions),
            "answered": sum(1 for question in questions if question.chosen),
            "position": position,
            "one_per_screen": one_per_screen,
            "remaining_seconds": (
                max(0, int((attempt.deadline - _now()).total_seconds()))
                if attempt.deadline
                else None
            ),
        },
    )


def _now():
    from django.utils import timezone

    return timezone.now()


@require_POST
@login_required
def attempt_answer(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The plain form: save the shown question(s), then go where the button says."""
    attempt = _attempt_or_404(request, attempt_id)
    take_url = reverse("quizzes:attempt", kwargs={"attempt_id": attempt.pk})
    try:
        positions = [int(value) for value in request.POST.getlist("position")]
        for position in positions:
            ids = [int(v) for v in request.POST.getlist(f"option-{position}")]
            attempt_answer_save(
                user=request.user,
                attempt_id=attempt.pk,
                position=position,
                option_ids=ids,
            )
    except (ValueError, InvalidAnswer):
        return HttpResponseBadRequest()
    except TimeUp:
        attempt_submit(user=request.user, attempt_id=attempt.pk)
        return redirect("quizzes:result", attempt_id=attempt.pk)
    except AttemptClosed:
        return redirect("quizzes:result", attempt_id=attempt.pk)
    go = request.POST.get("go", "")
    if go == "submit":
        attempt_submit(user=request.user, attempt_id=attempt.pk)
        return redirect("quizzes:result", attempt_id=attempt.pk)
    if go.isdigit():
        return redirect(f"{take_url}?q={int(go)}")
    return redirect(take_url)


@require_POST
@login_required
def attempt_submit_view(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _attempt_or_404(request, attempt_id)
    attempt_submit(user=request.user, attempt_id=attempt.pk)
    return redirect("quizzes:result", attempt_id=attempt.pk)


@require_GET
@login_required
def attempt_result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _attempt_or_404(request, attempt_id)
    if attempt.is_open:
        return redirect("quizzes:attempt", attempt_id=attempt.pk)
    quiz = attempt.quiz
    return render(
        request,
        "quizzes/result.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "result": selectors.attempt_result(attempt=attempt),
            "left": attempts_left(quiz=quiz, user=request.user),
            "lesson": quiz.placements.filter(lesson__live=True).first(),
        },
    )


@require_GET
@login_required
def review_today(request: HttpRequest) -> HttpResponse:
    cards = review_due(viewer=request.user)
    card = cards[0] if cards else None
    options = []
    if card is not None:
        options = list(card.question.options.order_by("sort_order", "pk"))
    return render(
        request,
        "quizzes/review.html",
        {"card": card, "remaining": len(cards), "options": options},
    )


@require_POST
@login_required
def review_submit(request: HttpRequest, card_id: int) -> HttpResponse:
    try:
        result = review_answer(
            user=request.user, card_id=card_id, option_ids=_option_ids(request)
        )
    except ReviewCard.DoesNotExist:
        raise Http404 from None
    except ReviewNotDue:
        return redirect("quizzes:review")
    except InvalidAnswer:
        return HttpResponseBadRequest()
    question = result.card.question
    chosen = set(_option_ids(request))
    return render(
        request,
        "quizzes/review_result.html",
        {
            "result": result,
            "question": question,
            "options": [
                {
                    "text": option.text,
                    "chosen": option.pk in chosen,
                    "correct": option.is_correct,
                    "feedback": option.feedback if option.pk in chosen else "",
                }
                for option in question.options.order_by("sort_order", "pk")
            ],
            "remaining": len(review_due(viewer=request.user)),
        },
    )
