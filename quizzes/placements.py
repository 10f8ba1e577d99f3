"""Which lessons hold which quiz blocks, and decision scoring, noticed on save."""

from __future__ import annotations

from django.db import transaction

from quizzes.models import QuizPlacement


def quiz_placements_sync(*, lesson_id: int) -> None:
    """Record the quiz blocks of the lesson's stored (live) script."""
    from lessons.models import LessonPage

    lesson = LessonPage.objects.filter(pk=lesson_id).first()
    with transaction.atomic():
        QuizPlacement.objects.filter(lesson_id=lesson_id).delete()
        if lesson is None:
            return
        rows = []
        for block in lesson.script.raw_data:
            if block.get("type") != "quiz":
                continue
            quiz_id = (block.get("value") or {}).get("quiz")
            if quiz_id:
                rows.append(
                    QuizPlacement(
                        lesson_id=lesson_id, quiz_id=quiz_id, block_id=block["id"]
                    )
                )
        from quizzes.models import Quiz

        existing = set(
            Quiz.objects.filter(pk__in=[row.quiz_id for row in rows]).values_list(
                "pk", flat=True
            )
        )
        QuizPlacement.objects.bulk_create(
            [row for row in rows if row.quiz_id in existing]
        )


def decision_choice_noticed(*, choice) -> bool:
    """A first choice at a decision tagged with a competency becomes evidence."""
    from lessons.decisions import decision_block
    from quizzes.outcomes import evidence_for_decision

    # Re-choices are practice: only the first choice is a judgement.
    if not choice.is_first:
        return False
    block = decision_block(lesson=choice.lesson, decision_id=choice.decision_id)
    if block is None:
        return False
    competency = block.value.get("competency")
    return evidence_for_decision(
        user=choice.user,
        lesson_id=choice.lesson_id,
        decision_id=choice.decision_id,
        rating=choice.rating,
        competency_id=getattr(competency, "pk", competency),
    )
