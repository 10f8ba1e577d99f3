"""Decision points of a story lesson, in one place.

- `decision_block` finds a decision in a script, `decision_outcome` says what a
  learner is told after choosing an option;
- `decision_record` (the service) stores a choice and returns that outcome;
- `lesson_decisions` and `decision_first_choices` (the selectors) read the
  stored history.

Every choice is kept with its time: 改选 (choosing again) is practice, and the
first choice at a decision point is the learner's judgement, the one that is
scored (`DecisionChoice.is_first`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.scoping import people_for
from lessons.blocks import Rating
from lessons.models import DecisionChoice, LessonPage

# Shown after a re-choice; story.js fills the same text in from the API answer.
FIRST_CHOICE_NOTE = _("计入成绩的是你第一次的选择：第 %(number)s 项（%(rating)s）。")


class DecisionError(ValueError):
    """The posted choice does not name an option of a decision in this lesson."""


class DecisionNotFound(DecisionError):
    pass


class OptionOutOfRange(DecisionError):
    pass


@dataclass(frozen=True)
class DecisionOutcome:
    """What the learner sees after choosing; never sent before the choice is stored.

    `first_*` name the learner's first choice at this decision (the scored one);
    `continuation` is the HTML of the story steps this choice leads to, filled in
    by the view that renders them.
    """

    decision_id: str
    option_index: int
    rating: str
    rating_label: str
    consequence: str
    jump_to: str
    first_option_index: int
    first_rating: str
    first_rating_label: str
    continuation: str = ""

    @property
    def is_first(self) -> bool:
        return self.option_index == self.first_option_index

    @property
    def first_choice_note(self) -> str:
        return FIRST_CHOICE_NOTE % {
            "number": self.first_option_index + 1,
            "rating": self.first_rating_label,
        }


def decision_block(*, lesson: LessonPage, decision_id: str):
    """The decision block with this id in the lesson's script, or None."""
    for block in lesson.script:
        if block.block_type == "decision" and block.id == decision_id:
            return block
    return None


def decision_outcome(
    *,
    decision_id: str,
    decision_value,
    option_index: int,
    first_option_index: int | None = None,
    first_rating: str | None = None,
) -> DecisionOutcome:
    """The outcome of one option; without a first choice, this one is the first."""
    option = decision_value["options"][option_index]
    if first_option_index is None:
        first_option_index, first_rating = option_index, option["rating"]
    first_rating = first_rating or option["rating"]
    return DecisionOutcome(
        decision_id=decision_id,
        option_index=option_index,
        rating=option["rating"],
        rating_label=str(Rating(option["rating"]).label),
        consequence=option["consequence"],
        jump_to=(option.get("jump_to") or "").strip(),
        first_option_index=first_option_index,
        first_rating=first_rating,
        first_rating_label=str(Rating(first_rating).label),
    )


def _option_of(*, lesson: LessonPage, decision_id: str, option_index: int):
    block = decision_block(lesson=lesson, decision_id=decision_id)
    if block is None:
        raise DecisionNotFound(decision_id)
    if not 0 <= option_index < len(block.value["options"]):
        raise OptionOutOfRange(option_index)
    return block


def decision_record(
    *,
    user,
    lesson: LessonPage,
    decision_id: str,
    option_index: int,
    now: datetime | None = None,
) -> DecisionOutcome:
    """Store the user's choice at one decision point and return what they are told.

    Each call adds a row; the first row per worker and decision is marked
    `is_first` (a partial unique constraint keeps it so under concurrent posts).
    The rating is copied from the script now, so a later edit of the lesson does
    not rewrite what the worker was told. `now` (default: the current time) is
    when it was chosen; the demo seeder replays weeks of learning with it.
    """
    block = _option_of(
        lesson=lesson, decision_id=decision_id, option_index=option_index
    )
    rating = block.value["options"][option_index]["rating"]
    choices = DecisionChoice.objects.filter(
        user=user, lesson=lesson, decision_id=decision_id
    )
    first = choices.first_choices().first()
    fields = dict(
        user=user,
        lesson=lesson,
        decision_id=decision_id,
        option_index=option_index,
        rating=rating,
        chosen_at=now or timezone.now(),
    )
    if first is None:
        try:
            with transaction.atomic():
                first = DecisionChoice.objects.create(is_first=True, **fields)
        except IntegrityError:
            # Another request stored the first choice a moment ago.
            first = choices.first_choices().get()
            DecisionChoice.objects.create(is_first=False, **fields)
    else:
        DecisionChoice.objects.create(is_first=False, **fields)
    return decision_outcome(
        decision_id=decision_id,
        decision_value=block.value,
        option_index=option_index,
        first_option_index=first.option_index,
        first_rating=first.rating,
    )


def decision_preview(
    *, lesson: LessonPage, decision_id: str, option_index: int
) -> DecisionOutcome:
    """The outcome a choice would have, for a trainer's preview: stores nothing."""
    block = _option_of(
        lesson=lesson, decision_id=decision_id, option_index=option_index
    )
    return decision_outcome(
        decision_id=decision_id, decision_value=block.value, option_index=option_index
    )


@dataclass(frozen=True)
class DecisionState:
    """A viewer's history at one decision: the scored first and the latest choice."""

    first: DecisionChoice
    latest: DecisionChoice
    count: int


def lesson_decisions(*, viewer, lesson: LessonPage) -> dict[str, DecisionState]:
    """The viewer's own choices in this lesson, by decision block id."""
    if not viewer.is_authenticated or lesson.pk is None:
        return {}
    history: dict[str, list[DecisionChoice]] = {}
    for choice in DecisionChoice.objects.filter(user=viewer, lesson=lesson).order_by(
        "chosen_at", "pk"
    ):
        history.setdefault(choice.decision_id, []).append(choice)
    return {
        decision_id: DecisionState(
            first=next((c for c in choices if c.is_first), choices[0]),
            latest=choices[-1],
            count=len(choices),
        )
        for decision_id, choices in history.items()
    }


def decision_outcome_of(
    *, lesson: LessonPage, decision_id: str, state: DecisionState | None
) -> DecisionOutcome | None:
    """The outcome of the viewer's latest choice, if the option still exists."""
    if state is None:
        return None
    block = decision_block(lesson=lesson, decision_id=decision_id)
    if block is None or state.latest.option_index >= len(block.value["options"]):
        return None  # the trainer removed that decision or option since
    return decision_outcome(
        decision_id=decision_id,
        decision_value=block.value,
        option_index=state.latest.option_index,
        first_option_index=state.first.option_index,
        first_rating=state.first.rating,
    )


def decision_first_choices(
    *, viewer, lesson: LessonPage | None = None
) -> QuerySet[DecisionChoice]:
    """The scored first choices of the people this viewer may see, per decision.

    One row per worker, lesson and decision point (`is_first`); a learner sees
    their own, a supervisor their subtree's (cms.scoping decides).
    """
    choices = DecisionChoice.objects.first_choices().filter(user__in=people_for(viewer))
    if lesson is not None:
        choices = choices.filter(lesson=lesson)
    return choices.order_by("chosen_at", "pk")
