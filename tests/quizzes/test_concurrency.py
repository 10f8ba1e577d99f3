"""Races on real PostgreSQL, each thread with its own database connection."""

import threading
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.db import connection
from django.test import Client

from quizzes import services
from quizzes.models import MasteryEvidence, QuizAttempt, QuizOutcome
from quizzes.services import AttemptsExhausted, attempt_answer_save, attempt_start
from tests.factories import learner
from tests.quizzes.factories import (
    competency,
    lesson_with_quiz,
    option_ids,
    question,
    quiz_with,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _run_together(count: int, work):
    barrier = threading.Barrier(count)

    def run(index):
        try:
            barrier.wait(timeout=60)
            return work(index)
        finally:
            connection.close()  # each thread's own connection

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_fifty_concurrent_submissions_grade_once_and_answer_alike():
    skill = competency("议事协商")
    first = question("第一题", competencies=[skill])
    second = question("第二题", competencies=[skill])
    quiz = quiz_with(first, second)
    lesson_with_quiz(quiz)
    worker = learner()
    attempt = attempt_start(user=worker, quiz=quiz)
    attempt_answer_save(
        user=worker, attempt_id=attempt.pk, position=1, option_ids=option_ids(first)[:1]
    )
    graded = []
    real_grade = services.attempt_grade

    def counting_grade(**kwargs):
        outcome = real_grade(**kwargs)
        graded.append(outcome.newly_graded)
        return outcome

    def submit(_index):
        client = Client()
        client.force_login(worker)
        response = client.post(f"/api/quizzes/attempts/{attempt.pk}/submit")
        return response.status_code, response.content

    with mock.patch.object(services, "attempt_grade", counting_grade):
        responses = _run_together(50, submit)

    assert {status for status, _body in responses} == {200}
    assert len({body for _status, body in responses}) == 1
    assert graded.count(True) == 1 and len(graded) == 50
    assert QuizOutcome.objects.get(quiz=quiz, user=worker).attempts == 1
    assert MasteryEvidence.objects.filter(user=worker).count() == 2


def test_racing_starts_never_exceed_the_attempts_allowed():
    quiz = quiz_with(question("唯一的题"), attempts_allowed=1)
    worker = learner()

    def start(_index):
        try:
            return attempt_start(user=worker, quiz=quiz).pk
        except AttemptsExhausted:
            return "refused"

    results = _run_together(10, start)
    assert QuizAttempt.objects.filter(quiz=quiz, user=worker).count() == 1
    assert len(set(results)) == 1  # everyone resumed the one attempt
    services.attempt_submit(user=worker, attempt_id=results[0])
    again = _run_together(10, start)
    assert again == ["refused"] * 10
    assert QuizAttempt.objects.filter(quiz=quiz, user=worker).count() == 1
