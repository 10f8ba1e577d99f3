"""decision_record keeps every choice with its time and scores the first one."""

import pytest
from django.db import IntegrityError

from lessons.decisions import (
    DecisionNotFound,
    OptionOutOfRange,
    decision_first_choices,
    decision_preview,
    decision_record,
    lesson_decisions,
)
from lessons.models import DecisionChoice
from tests.factories import learner, neighbourhood, street, supervisor, trainer
from tests.lessons.stories import BEST_CONSEQUENCE, decision_id_of, story_lesson

pytestmark = pytest.mark.django_db


def choose(user, lesson, option_index):
    return decision_record(
        user=user,
        lesson=lesson,
        decision_id=decision_id_of(lesson),
        option_index=option_index,
    )


def test_decision_record_stores_choice_with_rating_copied_from_script():
    lesson, user = story_lesson(), learner()

    choose(user, lesson, 1)

    choice = DecisionChoice.objects.get()
    assert (choice.user, choice.lesson_id, choice.option_index, choice.rating) == (
        user,
        lesson.pk,
        1,
        "poor",
    )
    assert choice.is_first


def test_decision_record_returns_the_outcome_of_the_option():
    lesson = story_lesson()

    outcome = choose(learner(), lesson, 0)

    assert (outcome.decision_id, outcome.option_index) == (decision_id_of(lesson), 0)
    assert (outcome.rating, outcome.rating_label) == ("best", "最佳")
    assert (outcome.consequence, outcome.jump_to) == (BEST_CONSEQUENCE, "meeting")
    assert outcome.is_first


def test_choosing_again_keeps_every_choice_with_its_time():
    lesson, user = story_lesson(), learner()
    choose(user, lesson, 1)

    choose(user, lesson, 0)
    choose(user, lesson, 1)

    history = list(DecisionChoice.objects.values_list("option_index", "is_first"))
    assert history == [(1, True), (0, False), (1, False)]
    times = list(DecisionChoice.objects.values_list("chosen_at", flat=True))
    assert times == sorted(times)


def test_a_re_choice_is_told_which_first_choice_is_scored():
    lesson, user = story_lesson(), learner()
    choose(user, lesson, 1)

    outcome = choose(user, lesson, 0)

    assert outcome.rating == "best"  # what the learner sees for this option
    assert (outcome.first_option_index, outcome.first_rating) == (1, "poor")
    assert not outcome.is_first
    assert outcome.first_choice_note == "计入成绩的是你第一次的选择：第 2 项（欠妥）。"


def test_only_one_first_choice_per_worker_and_decision_can_be_stored():
    lesson, user = story_lesson(), learner()
    choose(user, lesson, 1)

    with pytest.raises(IntegrityError):
        DecisionChoice.objects.create(
            user=user,
            lesson=lesson,
            decision_id=decision_id_of(lesson),
            option_index=0,
            rating="best",
            is_first=True,
        )


def test_decision_record_keeps_each_workers_choice_apart():
    lesson = story_lesson()
    one, two = learner(), learner()

    choose(one, lesson, 0)
    choose(two, lesson, 1)

    assert dict(
        DecisionChoice.objects.first_choices().values_list("user", "option_index")
    ) == {one.pk: 0, two.pk: 1}


@pytest.mark.parametrize("option_index", [-1, 2])
def test_decision_record_refuses_an_option_the_decision_does_not_have(option_index):
    lesson = story_lesson()

    with pytest.raises(OptionOutOfRange):
        choose(learner(), lesson, option_index)
    assert not DecisionChoice.objects.exists()


def test_decision_record_refuses_a_block_that_is_not_a_decision():
    lesson = story_lesson()
    scene_id = lesson.script[0].id

    with pytest.raises(DecisionNotFound):
        decision_record(
            user=learner(), lesson=lesson, decision_id=scene_id, option_index=0
        )


def test_decision_preview_tells_the_outcome_and_stores_nothing():
    lesson = story_lesson()

    outcome = decision_preview(
        lesson=lesson, decision_id=decision_id_of(lesson), option_index=0
    )

    assert outcome.consequence == BEST_CONSEQUENCE
    assert not DecisionChoice.objects.exists()


def test_lesson_decisions_gives_the_viewers_first_and_latest_choice():
    lesson, user = story_lesson(), learner()
    choose(user, lesson, 1)
    choose(user, lesson, 0)
    choose(learner(), lesson, 1)

    state = lesson_decisions(viewer=user, lesson=lesson)[decision_id_of(lesson)]

    assert (state.first.option_index, state.latest.option_index) == (1, 0)
    assert state.count == 2


def test_first_choices_are_the_learners_own():
    lesson, user = story_lesson(), learner()
    choose(user, lesson, 1)
    choose(user, lesson, 0)
    choose(learner(), lesson, 0)

    rows = decision_first_choices(viewer=user, lesson=lesson)

    assert [(c.user, c.option_index) for c in rows] == [(user, 1)]


def test_first_choices_for_a_supervisor_cover_their_subtree_only():
    area = street()
    mine, other = neighbourhood(parent=area), neighbourhood(parent=street())
    lesson = story_lesson()
    inside, outside = learner(org_unit=mine), learner(org_unit=other)
    choose(inside, lesson, 0)
    choose(inside, lesson, 1)
    choose(outside, lesson, 1)

    rows = decision_first_choices(viewer=supervisor(org_unit=area))

    assert [(c.user, c.option_index) for c in rows] == [(inside, 0)]


def test_first_choices_show_a_trainer_nobodys_choices():
    lesson = story_lesson()
    choose(learner(), lesson, 0)

    assert not decision_first_choices(viewer=trainer()).exists()
