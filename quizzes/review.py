"""Spaced review (学习经常化): Leitner boxes over the questions a worker got wrong.

A question answered wrong in a quiz goes to box 1, due the next day. Answered
right in review it moves up a box and comes back after 1, 2, 4, 8 or 16 days;
right in box 5 it is retired. Wrong in review sends it back to box 1. At most
five questions a day; days are Asia/Shanghai calendar days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from quizzes.grading import answer_credit
from quizzes.models import (
    AttemptAnswer,
    MasteryEvidence,
    Question,
    QuizAttempt,
    ReviewCard,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAILY_LIMIT = 5
TOP_BOX = 5
INTERVAL_DAYS = {1: 1, 2: 2, 3: 4, 4: 8, 5: 16}


def shanghai_today(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(SHANGHAI).date()


def review_cards_from_attempt(
    *, attempt: QuizAttempt, answers: list[AttemptAnswer]
) -> None:
    """Questions not fully right go (back) to box 1, due the next Shanghai day."""
    tomorrow = shanghai_today(attempt.submitted_at) + dt.timedelta(days=1)
    for answer in answers:
        if (answer.credit or 0.0) >= 1.0:
            continue
        ReviewCard.objects.update_or_create(
            user=attempt.user,
            question_id=answer.question_id,
            defaults={"box": 1, "due_on": tomorrow, "retired": False},
        )


def review_due(*, viewer, today: dt.date | None = None) -> list[ReviewCard]:
    """Today's review for the viewer: due cards, at most five a day in total."""
    if not viewer.is_authenticated:
        return []
    today = today or shanghai_today()
    done_today = ReviewCard.objects.filter(user=viewer, last_reviewed_on=today).count()
    room = max(0, DAILY_LIMIT - done_today)
    if not room:
        return []
    return list(
        ReviewCard.objects.filter(user=viewer, retired=False, due_on__lte=today)
        .exclude(last_reviewed_on=today)
        .select_related("question")
        .order_by("due_on", "box", "pk")[:room]
    )


@dataclass(frozen=True)
class ReviewResult:
    card: ReviewCard
    credit: float
    correct_option_ids: list[int]


def review_answer(
    *, user, card_id: int, option_ids: list[int], now: dt.datetime | None = None
) -> ReviewResult:
    """Grade one review answer on the server, move the card, count it as evidence."""
    from quizzes.outcomes import evidence_record

    today = shanghai_today(now)
    with transaction.atomic():
        card = (
            ReviewCard.objects.select_for_update()
            .select_related("question")
            .filter(pk=card_id, user=user)
            .first()
        )
        if card is None:
            raise ReviewCard.DoesNotExist
        if card.last_reviewed_on == today or card.due_on > today or card.retired:
            raise ReviewNotDue
        question: Question = card.question
        key = list(
            question.options.filter(is_correct=True).values_list("pk", flat=True)
        )
        credit = answer_credit(question_type=question.type, key=key, chosen=option_ids)
        if credit >= 1.0:
            if card.box >= TOP_BOX:
                card.retired = True
            card.box = min(TOP_BOX, card.box + 1)
        else:
            card.box = 1
        card.due_on = today + dt.timedelta(days=INTERVAL_DAYS[card.box])
        card.last_reviewed_on = today
        card.reviews += 1
        card.save()
        evidence_record(
            user=user,
            competency_ids=list(question.competencies.values_list("pk", flat=True)),
            source=MasteryEvidence.Source.REVIEW,
            ref=f"review:{card.pk}:{card.reviews}",
            credit=credit,
        )
    return ReviewResult(card=card, credit=credit, correct_option_ids=key)


class ReviewNotDue(Exception):
    """The card is not due today, or was already reviewed today."""
