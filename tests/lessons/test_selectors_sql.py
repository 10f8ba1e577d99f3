"""LEARNER_LESSONS_SQL (the progress ingest's lesson check) agrees with
lessons_for_learner: live lessons outside every view restriction."""

import pytest
from django.db import connection
from wagtail.models import PageViewRestriction

from lessons.selectors import LEARNER_LESSONS_SQL, lessons_for_learner
from tests.factories import learner
from tests.lessons.factories import CoursePageFactory, LessonPageFactory

pytestmark = pytest.mark.django_db


def sql_lesson_ids(ids) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(LEARNER_LESSONS_SQL, [list(ids)])
        return {row[0] for row in cursor.fetchall()}


def test_the_sql_rule_and_the_selector_pick_the_same_lessons():
    open_course = CoursePageFactory()
    closed_course = CoursePageFactory()
    PageViewRestriction.objects.create(
        page=closed_course, restriction_type=PageViewRestriction.LOGIN
    )
    live = LessonPageFactory(parent=open_course)
    draft = LessonPageFactory(parent=open_course, live=False)
    restricted = LessonPageFactory(parent=closed_course)
    ids = {live.pk, draft.pk, restricted.pk, open_course.pk}
    selected = set(lessons_for_learner(viewer=learner(), lesson_ids=ids))
    assert sql_lesson_ids(ids) == selected == {live.pk}
