"""The assignments admin (学习任务): scoped lists, scoped targets, create and close."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from progress.models import Assignment
from progress.services.assignments import assignment_create, worker_work_items
from tests.factories import (
    district,
    learner,
    neighbourhood,
    street,
    supervisor,
    trainer,
)
from tests.lessons.factories import CoursePageFactory, LessonPageFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 2)


@pytest.fixture
def streets():
    yangpu = district()
    return (
        street("江浦路街道", parent=yangpu),
        street("五角场街道", parent=yangpu),
    )


@pytest.fixture
def course():
    course = CoursePageFactory(title="三微治理入门")
    LessonPageFactory(parent=course)
    return course


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(*, course, units, title="年度必修", closed=False) -> dict:
    data = {
        "title": title,
        "course": course.pk,
        "org_units": [unit.pk for unit in units],
        "due_date": (TODAY + timedelta(days=30)).isoformat(),
    }
    if closed:
        data["closed"] = "on"
    return data


def other_streets_assignment(course, unit) -> Assignment:
    return assignment_create(
        creator=trainer(),
        title="五角场的任务",
        course=course,
        org_units=[unit],
        due_date=TODAY,
    )


def test_a_supervisor_does_not_see_another_streets_assignment(streets, course):
    jiangpu, wujiaochang = streets
    theirs = other_streets_assignment(course, wujiaochang)
    client = signed_in(supervisor(org_unit=jiangpu))
    response = client.get(reverse("assignments:index"))
    assert response.status_code == 200
    assert theirs.title not in response.content.decode()
    edit = client.get(reverse("assignments:edit", args=[theirs.pk]))
    assert edit.status_code == 404


def test_a_supervisor_cannot_assign_to_another_street(streets, course):
    jiangpu, wujiaochang = streets
    client = signed_in(supervisor(org_unit=jiangpu))
    response = client.post(
        reverse("assignments:add"), form_data(course=course, units=[wujiaochang])
    )
    assert response.status_code == 200  # the form again, with the error
    assert not Assignment.objects.exists()


def test_a_supervisor_sees_the_district_assignment_but_may_not_edit_it(streets, course):
    jiangpu, _ = streets
    district_wide = other_streets_assignment(course, jiangpu.get_parent())
    client = signed_in(supervisor(org_unit=jiangpu))
    assert (
        district_wide.title in client.get(reverse("assignments:index")).content.decode()
    )
    edit = client.get(reverse("assignments:edit", args=[district_wide.pk]))
    assert edit.status_code == 404


def test_a_trainer_creates_one_and_the_units_workers_get_it(streets, course):
    jiangpu, wujiaochang = streets
    worker = learner(org_unit=neighbourhood(parent=jiangpu))
    outsider = learner(org_unit=neighbourhood(parent=wujiaochang))
    client = signed_in(trainer())
    response = client.post(
        reverse("assignments:add"), form_data(course=course, units=[jiangpu])
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.created_by.groups.filter(name="Trainers").exists()
    assert [i.assignment for i in worker_work_items(user=worker, today=TODAY)] == [
        assignment
    ]
    assert worker_work_items(user=outsider, today=TODAY) == []


def test_a_supervisor_closes_their_assignment_and_workers_no_longer_get_it(
    streets, course
):
    jiangpu, _ = streets
    worker = learner(org_unit=neighbourhood(parent=jiangpu))
    boss = supervisor(org_unit=jiangpu)
    mine = assignment_create(
        creator=boss, title="江浦路的任务", course=course, due_date=TODAY
    )
    response = signed_in(boss).post(
        reverse("assignments:edit", args=[mine.pk]),
        form_data(course=course, units=[jiangpu], title=mine.title, closed=True),
    )
    assert response.status_code == 302
    assert Assignment.objects.get(pk=mine.pk).closed
    assert worker_work_items(user=worker, today=TODAY) == []


def test_a_learner_has_no_assignments_admin(streets):
    client = signed_in(learner(org_unit=neighbourhood(parent=streets[0])))
    response = client.get(reverse("assignments:index"))
    assert response.status_code in (302, 403)
