"""Progress reads behind the worker page: bulk lesson ids, streak, scope."""

from datetime import date, timedelta

import pytest

from progress.models import Assignment, DailyLearning
from progress.selectors import (
    streak_run,
    worker_assignment_items,
    worker_habit_for,
    worker_lesson_progress,
)
from progress.services.assignments import (
    assignment_lesson_ids,
    assignments_lesson_ids,
)
from tests.factories import learner, neighbourhood, street, supervisor
from tests.lessons.factories import CoursePageFactory, LessonPageFactory
from tests.progress.factories import completed

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)


def test_bulk_lesson_ids_equal_the_one_by_one_answer_in_the_same_order():
    course = CoursePageFactory()
    lessons = [LessonPageFactory(parent=course) for _ in range(3)]
    other = CoursePageFactory()
    loose = [LessonPageFactory(parent=other) for _ in range(2)]
    draft = LessonPageFactory(parent=course, live=False)
    by_course = Assignment.objects.create(title="课", course=course, due_date=TODAY)
    by_lessons = Assignment.objects.create(title="讲", due_date=TODAY)
    by_lessons.lessons.set([loose[1], loose[0], draft])
    mixed = Assignment.objects.create(title="混", course=other, due_date=TODAY)
    mixed.lessons.set([lessons[2], loose[0]])
    empty = Assignment.objects.create(title="空", due_date=TODAY)
    assignments = [by_course, by_lessons, mixed, empty]
    bulk = assignments_lesson_ids(assignments)
    assert bulk == {a.pk: assignment_lesson_ids(a) for a in assignments}
    assert bulk[mixed.pk] == (loose[0].pk, loose[1].pk, lessons[2].pk)
    assert draft.pk not in bulk[by_course.pk]


def test_streak_forgives_one_missed_day_a_month_and_names_it():
    days = {TODAY - timedelta(days=n) for n in (0, 1, 3, 4, 6)}
    run = streak_run(days, TODAY)
    # 2 December learned, 1 December learned, 30 November missed (forgiven,
    # November's freeze), 29 and 28 learned, 27 missed: November's freeze is used.
    assert run.streak == 4
    assert run.freeze_days == (TODAY - timedelta(days=2),)
    assert run.freeze_used_this_month is False


def test_a_missed_day_this_month_uses_this_months_freeze():
    today = date(2026, 12, 20)
    days = {today, today - timedelta(days=2)}
    run = streak_run(days, today)
    assert (run.streak, run.freeze_days, run.freeze_used_this_month) == (
        2,
        (today - timedelta(days=1),),
        True,
    )


@pytest.fixture
def two_streets():
    jiangpu, pingliang = street("江浦路街道"), street("平凉路街道")
    worker = learner(org_unit=neighbourhood(parent=jiangpu))
    return (
        worker,
        supervisor(org_unit=jiangpu),
        supervisor(org_unit=pingliang),
    )


def test_worker_reads_answer_the_workers_supervisor_only(two_streets):
    worker, own, other = two_streets
    course = CoursePageFactory()
    lesson = LessonPageFactory(parent=course)
    Assignment.objects.create(title="课", course=course, due_date=TODAY)
    completed(worker, lesson)
    DailyLearning.objects.create(user=worker, day=TODAY, read_seconds=60)
    assert worker_habit_for(viewer=own, worker=worker, today=TODAY).streak == 1
    assert len(worker_assignment_items(viewer=own, worker=worker, today=TODAY)) == 1
    assert worker_lesson_progress(viewer=own, worker=worker).count() == 1
    assert worker_habit_for(viewer=other, worker=worker, today=TODAY) is None
    assert worker_assignment_items(viewer=other, worker=worker, today=TODAY) == []
    assert not worker_lesson_progress(viewer=other, worker=worker).exists()
