"""Assignments: targets by subtree and position, late joiners, movers, due states."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from cms.models import Profile
from progress.services.assignments import (
    State,
    assignment_create,
    worker_work_items,
)
from tests.factories import learner, neighbourhood, street, supervisor, trainer
from tests.lessons.factories import CoursePageFactory, LessonPageFactory
from tests.progress.factories import completed

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 2)


@pytest.fixture
def jiangpu():
    return street("江浦路街道")


def course_with_lessons(n=2):
    course = CoursePageFactory()
    return course, [LessonPageFactory(parent=course) for _ in range(n)]


def test_a_trainer_assigns_a_course_to_a_street_and_its_workers_see_it(jiangpu):
    course, _lessons = course_with_lessons()
    worker = learner(org_unit=neighbourhood(parent=jiangpu))
    outsider = learner(org_unit=neighbourhood(parent=street("五角场街道")))
    assignment_create(
        creator=trainer(),
        title="三微治理入门",
        course=course,
        org_units=[jiangpu],
        due_date=TODAY + timedelta(days=30),
    )
    assert [i.assignment.title for i in worker_work_items(user=worker, today=TODAY)]
    assert worker_work_items(user=outsider, today=TODAY) == []


def test_positions_narrow_the_targets(jiangpu):
    course, _ = course_with_lessons(1)
    unit = neighbourhood(parent=jiangpu)
    worker = learner(org_unit=unit)
    secretary = learner(org_unit=unit)
    Profile.objects.filter(user=secretary).update(
        position=Profile.Position.PARTY_SECRETARY
    )
    assignment_create(
        creator=trainer(),
        title="书记必修",
        course=course,
        positions=[Profile.Position.PARTY_SECRETARY],
        due_date=TODAY,
    )
    secretary.refresh_from_db()
    assert worker_work_items(user=worker, today=TODAY) == []
    assert len(worker_work_items(user=secretary, today=TODAY)) == 1


def test_a_worker_who_joins_later_gets_the_open_assignment(jiangpu):
    course, _ = course_with_lessons(1)
    assignment_create(
        creator=trainer(),
        title="新人必学",
        course=course,
        org_units=[jiangpu],
        due_date=TODAY + timedelta(days=3),
    )
    newcomer = learner(org_unit=neighbourhood(parent=jiangpu))
    (item,) = worker_work_items(user=newcomer, today=TODAY)
    assert item.state == State.DUE_SOON


def test_a_worker_who_moves_keeps_what_they_completed(jiangpu):
    course, lessons = course_with_lessons(2)
    other_street = street("五角场街道")
    worker = learner(org_unit=neighbourhood(parent=jiangpu))
    for target in (jiangpu, other_street):
        assignment_create(
            creator=trainer(),
            title=f"{target.name}任务",
            course=course,
            org_units=[target],
            due_date=TODAY + timedelta(days=30),
        )
    completed(worker, lessons[0])
    Profile.objects.filter(user=worker).update(
        org_unit=neighbourhood(parent=other_street)
    )
    worker.refresh_from_db()
    (item,) = worker_work_items(user=worker, today=TODAY)
    assert item.assignment.title == "五角场街道任务"
    assert (item.done, item.total) == (1, 2)


def test_overdue_comes_before_due_soon_and_done_last(jiangpu):
    worker = learner(org_unit=neighbourhood(parent=jiangpu))
    boss = trainer()
    titles = {}
    for title, due, finish in (
        ("已完成", TODAY - timedelta(days=5), True),
        ("快到期", TODAY + timedelta(days=2), False),
        ("已逾期", TODAY - timedelta(days=1), False),
    ):
        course, lessons = course_with_lessons(1)
        titles[title] = assignment_create(
            creator=boss, title=title, course=course, org_units=[jiangpu], due_date=due
        )
        if finish:
            completed(worker, lessons[0])
    items = worker_work_items(user=worker, today=TODAY)
    assert [(i.assignment.title, i.state) for i in items] == [
        ("已逾期", State.OVERDUE),
        ("快到期", State.DUE_SOON),
        ("已完成", State.DONE),
    ]


def test_a_yearly_assignment_asks_again_after_its_due_date(jiangpu):
    course, lessons = course_with_lessons(1)
    worker = learner(org_unit=neighbourhood(parent=jiangpu))
    from datetime import UTC, datetime

    assignment_create(
        creator=trainer(),
        title="年度复训",
        course=course,
        org_units=[jiangpu],
        due_date=date(2025, 12, 10),
        recurs_yearly=True,
    )
    completed(worker, lessons[0], at=datetime(2025, 11, 1, tzinfo=UTC))
    (item,) = worker_work_items(user=worker, today=TODAY)
    assert (item.due, item.state, item.done) == (date(2026, 12, 10), State.OPEN, 0)


def test_a_supervisor_may_only_assign_inside_their_subtree(jiangpu):
    course, _ = course_with_lessons(1)
    boss = supervisor(org_unit=jiangpu)
    with pytest.raises(PermissionDenied):
        assignment_create(
            creator=boss,
            title="越权",
            course=course,
            org_units=[street("五角场街道")],
            due_date=TODAY,
        )
    own = assignment_create(creator=boss, title="本街道", course=course, due_date=TODAY)
    assert list(own.org_units.all()) == [jiangpu]


def test_a_learner_cannot_assign():
    course, _ = course_with_lessons(1)
    with pytest.raises(PermissionDenied):
        assignment_create(creator=learner(), title="x", course=course, due_date=TODAY)
