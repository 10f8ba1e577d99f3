"""Learner pages of the progress app: 我的学习 (inbox, habit, 学时), practice done."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lessons.selectors import lesson_for_learner
from progress.models import Habit
from progress.selectors import habit_for, own_ledger
from progress.services.progress import practice_mark_done
from progress.services.reminders import (
    notification_clear,
    notifications_clear_all,
    notifications_for,
)
from quizzes.selectors import worker_mastery, worker_quiz_outcomes


@login_required
def me(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "progress/me.html",
        {
            "notifications": list(notifications_for(viewer=request.user)[:50]),
            "habit": habit_for(viewer=request.user),
            "ledger": own_ledger(viewer=request.user),
            # The worker's own measured outcomes: scores per quiz, mastery per
            # competency (the same rows their supervisor's dashboard reads).
            "quiz_outcomes": list(
                worker_quiz_outcomes(
                    viewer=request.user, user_ids=[request.user.pk]
                ).order_by("-updated_at")[:20]
            ),
            "mastery": list(
                worker_mastery(viewer=request.user, user_ids=[request.user.pk])
                .filter(evidence_count__gt=0)
                .order_by("competency__sort_order", "competency__name")
            ),
        },
    )


@require_POST
@login_required
def clear(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification_clear(user=request.user, notification_id=notification_id)
    return redirect("progress:me")


@require_POST
@login_required
def clear_all(request: HttpRequest) -> HttpResponse:
    notifications_clear_all(user=request.user)
    return redirect("progress:me")


@require_POST
@login_required
def weekly_goal(request: HttpRequest) -> HttpResponse:
    try:
        goal = int(request.POST.get("weekly_goal", ""))
    except ValueError:
        goal = 0
    if 1 <= goal <= 21:
        Habit.objects.update_or_create(
            user=request.user, defaults={"weekly_goal": goal}
        )
    return redirect("progress:me")


@require_POST
@login_required
def practice_done(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """我已完成 on a lesson's practice task: JSON for the page's script, else back."""
    lesson = lesson_for_learner(viewer=request.user, lesson_id=lesson_id)
    if lesson is None:
        raise Http404
    row = practice_mark_done(user=request.user, lesson=lesson)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"practice_done_at": row.practice_done_at.isoformat()})
    return redirect(f"{lesson.url}#lesson-end")
