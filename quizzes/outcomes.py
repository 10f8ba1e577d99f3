"""Writes of the per-worker figures: quiz outcome rows, mastery evidence and mastery.

Called by grading, by the review service and (through a signal that only
notices) when a worker's first choice at a tagged story decision is stored.
"""

from __future__ import annotations

from django.db.models import Count, Sum

from quizzes.models import (
    AttemptAnswer,
    Competency,
    Mastery,
    MasteryEvidence,
    Quiz,
    QuizAttempt,
    QuizOutcome,
)

# A story decision's first choice as a situational-judgement item.
DECISION_CREDIT = {"best": 1.0, "acceptable": 0.5, "poor": 0.0}


def outcome_refresh(*, user, quiz: Quiz) -> QuizOutcome:
    """Recompute the worker's row for this quiz from their submitted attempts."""
    attempts = list(
        QuizAttempt.objects.filter(
            quiz=quiz, user=user, status=QuizAttempt.Status.SUBMITTED
        ).order_by("number")
    )
    passed = [attempt for attempt in attempts if attempt.passed]
    outcome, _created = QuizOutcome.objects.update_or_create(
        quiz=quiz,
        user=user,
        defaults={
            "attempts": len(attempts),
            "first_score": attempts[0].score if attempts else None,
            "best_score": max(a.score for a in attempts) if attempts else None,
            "latest_score": attempts[-1].score if attempts else None,
            "passed": bool(passed),
            "passed_at": passed[0].submitted_at if passed else None,
        },
    )
    return outcome


def mastery_refresh(*, user, competency_ids) -> None:
    """Recompute mastery (mean credit of all evidence) for these competencies."""
    rows = (
        MasteryEvidence.objects.filter(user=user, competency_id__in=competency_ids)
        .values("competency_id")
        .annotate(n=Count("pk"), total=Sum("credit"))
    )
    for row in rows:
        Mastery.objects.update_or_create(
            user=user,
            competency_id=row["competency_id"],
            defaults={
                "evidence_count": row["n"],
                "credit_sum": row["total"],
                "level": row["total"] / row["n"] if row["n"] else 0.0,
            },
        )


def evidence_record(
    *, user, competency_ids, source: str, ref: str, credit: float
) -> bool:
    """Add one scored response for each competency (once per ref); True if new."""
    created_any = False
    for competency_id in competency_ids:
        _row, created = MasteryEvidence.objects.get_or_create(
            user=user,
            competency_id=competency_id,
            ref=ref,
            defaults={"source": source, "credit": credit},
        )
        created_any |= created
    if created_any:
        mastery_refresh(user=user, competency_ids=competency_ids)
    return created_any


def evidence_for_attempt(*, attempt: QuizAttempt, answers: list[AttemptAnswer]):
    """Every graded answer counts for each competency its question is tagged with."""
    through = AttemptAnswer.question.field.related_model.competencies.through
    tags: dict[int, list[int]] = {}
    for question_id, competency_id in through.objects.filter(
        question_id__in=[answer.question_id for answer in answers]
    ).values_list("question_id", "competency_id"):
        tags.setdefault(question_id, []).append(competency_id)
    touched: set[int] = set()
    for answer in answers:
        for competency_id in tags.get(answer.question_id, []):
            _row, created = MasteryEvidence.objects.get_or_create(
                user=attempt.user,
                competency_id=competency_id,
                ref=f"answer:{answer.pk}",
                defaults={
                    "source": MasteryEvidence.Source.QUIZ,
                    "credit": answer.credit or 0.0,
                },
            )
            if created:
                touched.add(competency_id)
    if touched:
        mastery_refresh(user=attempt.user, competency_ids=touched)


def evidence_for_decision(
    *, user, lesson_id: int, decision_id: str, rating: str, competency_id: int | None
) -> bool:
    """Score a worker's first choice at a decision tagged with a competency.

    Keyed by lesson and decision, so a changed choice later adds nothing: only the
    first choice is the judgement item.
    """
    if not competency_id or rating not in DECISION_CREDIT:
        return False
    if not Competency.objects.filter(pk=competency_id).exists():
        return False
    return evidence_record(
        user=user,
        competency_ids=[competency_id],
        source=MasteryEvidence.Source.DECISION,
        ref=f"decision:{lesson_id}:{decision_id}",
        credit=DECISION_CREDIT[rating],
    )
