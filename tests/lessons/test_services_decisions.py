import pytest

from lessons.models import DecisionChoice
from lessons.services import DecisionNotFound, OptionOutOfRange, decision_record
from tests.factories import learner
from tests.lessons.stories import decision_id_of, story_lesson

pytestmark = pytest.mark.django_db


def test_decision_record_stores_choice_with_rating_copied_from_script():
    lesson, user = story_lesson(), learner()

    choice = decision_record(
        user=user, lesson=lesson, decision_id=decision_id_of(lesson), option_index=1
    )

    choice.refresh_from_db()
    assert (choice.user, choice.lesson_id, choice.option_index, choice.rating) == (
        user,
        lesson.pk,
        1,
        "poor",
    )


def test_decision_record_again_updates_the_same_row():
    lesson, user = story_lesson(), learner()
    decision_id = decision_id_of(lesson)
    first = decision_record(
        user=user, lesson=lesson, decision_id=decision_id, option_index=1
    )

    second = decision_record(
        user=user, lesson=lesson, decision_id=decision_id, option_index=0
    )

    assert second.pk == first.pk
    assert DecisionChoice.objects.get().rating == "best"


def test_decision_record_keeps_each_workers_choice_apart():
    lesson = story_lesson()
    decision_id = decision_id_of(lesson)
    one, two = learner(), learner()

    decision_record(user=one, lesson=lesson, decision_id=decision_id, option_index=0)
    decision_record(user=two, lesson=lesson, decision_id=decision_id, option_index=1)

    assert dict(DecisionChoice.objects.values_list("user", "option_index")) == {
        one.pk: 0,
        two.pk: 1,
    }


@pytest.mark.parametrize("option_index", [-1, 2])
def test_decision_record_refuses_an_option_the_decision_does_not_have(option_index):
    lesson = story_lesson()

    with pytest.raises(OptionOutOfRange):
        decision_record(
            user=learner(),
            lesson=lesson,
            decision_id=decision_id_of(lesson),
            option_index=option_index,
        )
    assert not DecisionChoice.objects.exists()


def test_decision_record_refuses_a_block_that_is_not_a_decision():
    lesson = story_lesson()
    scene_id = lesson.script[0].id

    with pytest.raises(DecisionNotFound):
        decision_record(
            user=learner(), lesson=lesson, decision_id=scene_id, option_index=0
        )
