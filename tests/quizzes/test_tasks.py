"""The periodic task that grades timed attempts nobody submitted."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from config.celery import app
from quizzes.models import QuizAttempt
from quizzes.services import attempt_answer_save, attempt_start
from quizzes.tasks import submit_expired_attempts
from tests.factories import learner
from tests.quizzes.factories import competency, option_ids, question, quiz_with

pytestmark = pytest.mark.django_db


def test_grading_expired_attempts_is_scheduled_for_a_registered_task():
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == submit_expired_attempts.name
    ]
    assert entries and entries[0]["schedule"] <= 60
    assert submit_expired_attempts.name in app.tasks


def test_the_task_grades_an_abandoned_attempt_after_its_deadline_only():
    skill = competency("议事协商")
    first = question("第一题", competencies=[skill])
    second = question("第二题", competencies=[skill])
    quiz = quiz_with(first, second, time_limit_minutes=5)
    late, fresh = learner(), learner()
    start = timezone.now() - dt.timedelta(minutes=10)
    abandoned = attempt_start(user=late, quiz=quiz, now=start)
    attempt_answer_save(
        user=late, attempt_id=abandoned.pk, position=1,
        option_ids=option_ids(first)[:1], now=start + dt.timedelta(minutes=1),
    )  # fmt: skip
    running = attempt_start(user=fresh, quiz=quiz)

    assert submit_expired_attempts.apply().get() == 1

    abandoned.refresh_from_db()
    running.refresh_from_db()
    assert abandoned.status == QuizAttempt.Status.SUBMITTED
    assert abandoned.submit_reason == QuizAttempt.SubmitReason.TIME_UP
    assert abandoned.score == 50.0
    assert running.status == QuizAttempt.Status.IN_PROGRESS
    assert submit_expired_attempts.apply().get() == 0
