import datetime as dt

import pytest

from lessons.services import decision_record
from quizzes.models import Mastery, MasteryEvidence, ReviewCard
from quizzes.review import DAILY_LIMIT, review_answer, review_due
from quizzes.selectors import worker_gains, worker_mastery
from quizzes.services import attempt_answer_save, attempt_start, attempt_submit
from tests.factories import learner, supervisor
from tests.lessons.factories import LessonPageFactory, Script, option
from tests.quizzes.factories import competency, option_ids, question, quiz_with

pytestmark = pytest.mark.django_db


def test_first_decision_choice_scores_into_the_tagged_competency():
    skill = competency("议事协商")
    script = Script().decision(
        "怎么办？", [option("开会", rating="best"), option("等等看", rating="poor")]
    )
    script.blocks[-1]["value"]["competency"] = skill.pk
    lesson = LessonPageFactory(script=script.build())
    worker = learner()
    block_id = script.blocks[-1]["id"]
    decision_record(user=worker, lesson=lesson, decision_id=block_id, option_index=1)
    decision_record(user=worker, lesson=lesson, decision_id=block_id, option_index=0)
    evidence = MasteryEvidence.objects.get(user=worker)
    assert (evidence.source, evidence.credit) == ("decision", 0.0)
    assert Mastery.objects.get(user=worker, competency=skill).level == 0.0


def _wrong_answer_card(worker):
    q = question("复习题", competencies=[competency("法治思维")])
    quiz = quiz_with(q)
    attempt = attempt_start(user=worker, quiz=quiz)
    attempt_answer_save(
        user=worker, attempt_id=attempt.pk, position=1, option_ids=option_ids(q)[1:2]
    )
    attempt_submit(user=worker, attempt_id=attempt.pk)
    return ReviewCard.objects.get(user=worker), q


def test_a_wrong_answer_comes_back_tomorrow_and_a_right_review_moves_it_up():
    worker = learner()
    card, q = _wrong_answer_card(worker)
    today = card.due_on - dt.timedelta(days=1)
    assert review_due(viewer=worker, today=today) == []
    assert review_due(viewer=worker, today=card.due_on) == [card]
    now = dt.datetime.combine(card.due_on, dt.time(12), tzinfo=dt.UTC)
    result = review_answer(
        user=worker, card_id=card.pk, option_ids=option_ids(q)[:1], now=now
    )
    assert (result.card.box, result.card.due_on) == (
        2, card.due_on + dt.timedelta(days=2),
    )  # fmt: skip
    assert MasteryEvidence.objects.filter(user=worker, source="review").count() == 1


def test_at_most_five_reviews_a_day():
    worker = learner()
    skill = competency("群众工作")
    questions = [question(f"题{n}", competencies=[skill]) for n in range(7)]
    quiz = quiz_with(*questions)
    attempt_submit(user=worker, attempt_id=attempt_start(user=worker, quiz=quiz).pk)
    due = ReviewCard.objects.filter(user=worker).first().due_on
    assert len(review_due(viewer=worker, today=due)) == DAILY_LIMIT


def test_gain_is_undefined_when_the_pre_test_is_100():
    from lessons.models import CoursePage
    from quizzes.models import Quiz

    course = LessonPageFactory().get_parent().specific
    assert isinstance(course, CoursePage)
    q = question("前后测题")
    pre = quiz_with(q, kind=Quiz.Kind.PRE_TEST, course=course)
    post = quiz_with(q, kind=Quiz.Kind.POST_TEST, course=course)
    worker = learner()
    for quiz in (pre, post):
        attempt = attempt_start(user=worker, quiz=quiz)
        attempt_answer_save(
            user=worker, attempt_id=attempt.pk, position=1, option_ids=option_ids(q)[:1]
        )
        attempt_submit(user=worker, attempt_id=attempt.pk)
    boss = supervisor(org_unit=worker.profile.org_unit)
    [gain] = worker_gains(viewer=boss, course=course)
    assert (gain.pre, gain.post, gain.gain, gain.undefined_reason) == (
        100.0, 100.0, None, "pre_is_100",
    )  # fmt: skip
    assert worker_mastery(viewer=learner()).count() == 0
