import pytest

from quizzes import demo
from quizzes.models import QuizAttempt, QuizOutcome, QuizPlacement
from tests.factories import learner
from tests.lessons.factories import LessonPageFactory

pytestmark = pytest.mark.django_db


def test_demo_quizzes_are_placed_seeded_and_idempotent():
    lesson = LessonPageFactory(slug="stairwell-crowdfunding", title="楼组众筹")
    workers = [learner(username=f"worker{n:02d}") for n in range(1, 6)]
    demo.seed()
    assert QuizPlacement.objects.filter(lesson=lesson).count() == 1
    lesson.refresh_from_db()
    assert [b.block_type for b in lesson.script][-1] == "quiz"
    attempts = QuizAttempt.objects.count()
    assert attempts > 0
    assert QuizOutcome.objects.filter(user__in=workers).exists()
    demo.seed()
    assert QuizAttempt.objects.count() == attempts
    assert QuizPlacement.objects.filter(lesson=lesson).count() == 1
