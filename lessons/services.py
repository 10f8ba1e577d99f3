"""Writes from the learner's pages: a decision choice, kept per worker and lesson."""

from __future__ import annotations

from lessons.models import DecisionChoice, LessonPage
from lessons.selectors import decision_block


class DecisionError(ValueError):
    """The posted choice does not name an option of a decision in this lesson."""


class DecisionNotFound(DecisionError):
    pass


class OptionOutOfRange(DecisionError):
    pass


def decision_record(
    *, user, lesson: LessonPage, decision_id: str, option_index: int
) -> DecisionChoice:
    """Store (or change) the user's choice at one decision point of a lesson.

    The rating is copied from the script now, so a later edit of the lesson does
    not rewrite what the worker was told. Posting again updates the same row.
    """
    block = decision_block(lesson=lesson, decision_id=decision_id)
    if block is None:
        raise DecisionNotFound(decision_id)
    options = block.value["options"]
    if not 0 <= option_index < len(options):
        raise OptionOutOfRange(option_index)
    choice, _created = DecisionChoice.objects.update_or_create(
        user=user,
        lesson=lesson,
        decision_id=decision_id,
        defaults={
            "option_index": option_index,
            "rating": options[option_index]["rating"],
        },
    )
    return choice
