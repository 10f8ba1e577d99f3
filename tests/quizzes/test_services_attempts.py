import datetime as dt

import pytest
from django.utils import timezone

from quizzes.models import Mastery, QuizAttempt, QuizOutcome, ReviewCard
from quizzes.services import (
    AttemptClosed,
    AttemptsExhausted,
    InvalidAnswer,
    TimeUp,
    attempt_answer_save,
    attempt_start,
    attempt_submit,
)
from tests.factories import learner
from tests.quizzes.factories import competency, option_ids, question, quiz_with

pytestmark = pytest.mark.django_db


def _two_question_quiz(**fields):
    skill = competency("议事协商")
    first = question("第一题", competencies=[skill])
    second = question("第二题", competencies=[skill])
    return quiz_with(first, second, **fields), first, second


def test_start_resumes_the_open_attempt():
    quiz, _first, _second = _two_question_quiz()
    worker = learner()
    assert attempt_start(user=worker, quiz=quiz) == attempt_start(
        user=worker, quiz=quiz
    )


def test_answers_are_graded_on_submit_and_outcome_kept():
    quiz, first, second = _two_question_quiz(pass_mark=60)
    worker = learner()
    attempt = attempt_start(user=worker, quiz=quiz)
    attempt_answer_save(
        user=worker,
        attempt_id=attempt.pk,
        position=1,
        option_ids=[option_ids(first)[0]],
    )
    attempt_answer_save(
        user=worker,
        attempt_id=attempt.pk,
        position=2,
        option_ids=[option_ids(second)[1]],
    )
    graded = attempt_submit(user=worker, attempt_id=attempt.pk)
    assert (graded.score, graded.passed) == (50.0, False)
    outcome = QuizOutcome.objects.get(quiz=quiz, user=worker)
    assert (outcome.attempts, outcome.best_score, outcome.passed) == (1, 50.0, False)
    assert Mastery.objects.get(user=worker).level == 0.5
    assert list(
        ReviewCard.objects.filter(user=worker).values_list("question", flat=True)
    ) == [second.pk]


def test_second_submit_returns_the_same_result():
    quiz, first, _second = _two_question_quiz()
    worker = learner()
    attempt = attempt_start(user=worker, quiz=quiz)
    once = attempt_submit(user=worker, attempt_id=attempt.pk)
    twice = attempt_submit(user=worker, attempt_id=attempt.pk)
    assert (once.submitted_at, once.score) == (twice.submitted_at, twice.score)
    assert QuizOutcome.objects.get(quiz=quiz, user=worker).attempts == 1


def test_no_answer_after_submission():
    quiz, first, _second = _two_question_quiz()
    worker = learner()
    attempt = attempt_start(user=worker, quiz=quiz)
    attempt_submit(user=worker, attempt_id=attempt.pk)
    with pytest.raises(AttemptClosed):
        attempt_answer_save(
            user=worker,
            attempt_id=attempt.pk,
            position=1,
            option_ids=option_ids(first)[:1],
        )


def test_more_attempts_than_allowed_are_refused_with_a_message():
    quiz, _first, _second = _two_question_quiz(attempts_allowed=1)
    worker = learner()
    attempt_submit(user=worker, attempt_id=attempt_start(user=worker, quiz=quiz).pk)
    with pytest.raises(AttemptsExhausted, match="最多可作答 1 次"):
        attempt_start(user=worker, quiz=quiz)


def test_an_option_of_another_question_is_refused():
    quiz, _first, second = _two_question_quiz()
    worker = learner()
    attempt = attempt_start(user=worker, quiz=quiz)
    with pytest.raises(InvalidAnswer):
        attempt_answer_save(
            user=worker,
            attempt_id=attempt.pk,
            position=1,
            option_ids=option_ids(second)[:1],
        )


def test_time_limit_grades_what_was_saved_by_the_deadline():
    quiz, first, second = _two_question_quiz(time_limit_minutes=5)
    worker = learner()
    start = timezone.now()
    attempt = attempt_start(user=worker, quiz=quiz, now=start)
    attempt_answer_save(
        user=worker, attempt_id=attempt.pk, position=1,
        option_ids=option_ids(first)[:1], now=start + dt.timedelta(minutes=4),
    )  # fmt: skip
    with pytest.raises(TimeUp):
        attempt_answer_save(
            user=worker, attempt_id=attempt.pk, position=2,
            option_ids=option_ids(second)[:1], now=start + dt.timedelta(minutes=6),
        )  # fmt: skip
    graded = attempt_submit(
        user=worker, attempt_id=attempt.pk, now=start + dt.timedelta(minutes=30)
    )
    assert graded.score == 50.0
    assert graded.submit_reason == QuizAttempt.SubmitReason.TIME_UP
    assert graded.submitted_at == attempt.deadline


def test_starting_after_the_deadline_grades_the_old_attempt_first():
    quiz, _first, _second = _two_question_quiz(time_limit_minutes=5, attempts_allowed=2)
    worker = learner()
    start = timezone.now()
    old = attempt_start(user=worker, quiz=quiz, now=start)
    new = attempt_start(user=worker, quiz=quiz, now=start + dt.timedelta(minutes=10))
    old.refresh_from_db()
    assert (old.status, new.number) == (QuizAttempt.Status.SUBMITTED, 2)
