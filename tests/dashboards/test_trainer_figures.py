"""The trainers' unit rows: used when current, equal to the raw rows after changes.

The lesson list reads UnitLessonFunnel and UnitTypeOutcome once the stats refresh
filled them for the current content in the last minute; otherwise it computes
from the raw rows. Random changes (events through the progress API, quiz
attempts, moves between units, a new instructor) followed by the refresh job
must leave the figures equal to the direct computations from raw rows.
"""

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.scoping import aggregate_people_for
from dashboards import trainer_selectors as sel
from dashboards.models import TrainerFiguresMark
from dashboards.services.stats import stats_rebuild_all, stats_refresh_dirty
from lessons.models import Instructor
from tests.dashboards.dataset import attempt
from tests.dashboards.trainer_dataset import (
    build,
    direct_funnel,
    direct_type_outcomes,
    watch,
)
from tests.lessons.factories import InstructorFactory

pytestmark = pytest.mark.django_db
VIEWERS = ("trainer", "sup_jiangpu", "sup_district", "admin")
RAW_TABLES = ("progress_lessonprogress", "quizzes_quizoutcome")


def lesson_list(viewer):
    lessons = sel.content_lessons()
    return (
        sel.lesson_funnels(viewer=viewer, lessons=lessons),
        sel.instructor_type_outcomes(viewer=viewer, lessons=lessons),
    )


def raw_reads(viewer) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        lesson_list(viewer)
    return [q["sql"] for q in queries if any(table in q["sql"] for table in RAW_TABLES)]


def assert_matches_raw_rows(data, viewer, context):
    ids = set(aggregate_people_for(viewer).values_list("pk", flat=True))
    funnels, types = lesson_list(viewer)
    for lesson in data.lessons.values():
        f = funnels[lesson.pk]
        got = dict(
            opened=f.opened,
            half_watched=f.half_watched,
            completed=f.completed,
            quiz_passed=f.quiz_passed,
        )
        assert got == direct_funnel(lesson, ids), (context, lesson.title)
    got = {
        r.type: {
            "lessons": r.lessons,
            "completion_rate": r.completion_rate,
            "completion_workers": r.completion_workers,
            "score": r.score,
            "score_workers": r.score_workers,
            "gain": r.gain,
            "gain_workers": r.gain_workers,
        }
        for r in types
    }
    expected = direct_type_outcomes(
        list(data.lessons.values()),
        ids,
        pre=data.quizzes["pre"],
        post=data.quizzes["post"],
    )
    assert got == {
        kind: {k: pytest.approx(v) if v is not None else None for k, v in d.items()}
        for kind, d in expected.items()
    }, context


@pytest.fixture
def data():
    built = build()
    stats_rebuild_all()
    return built


@pytest.mark.parametrize("who", VIEWERS)
def test_current_unit_rows_spare_the_raw_rows(data, who):
    assert raw_reads(data.people[who]) == []


def test_unit_rows_older_than_a_minute_give_way_to_the_raw_rows(data):
    TrainerFiguresMark.objects.update(at=timezone.now() - dt.timedelta(seconds=61))
    assert raw_reads(data.people["trainer"])
    assert_matches_raw_rows(data, data.people["trainer"], "old rows")


def test_new_content_is_counted_from_raw_rows_until_the_refresh(data):
    lesson = data.lessons["l3"]
    lesson.instructors.add(InstructorFactory(type=Instructor.Type.SCHOLAR))
    lesson.save_revision().publish()
    trainer = data.people["trainer"]
    assert raw_reads(trainer)
    assert_matches_raw_rows(data, trainer, "before the refresh")
    stats_refresh_dirty()
    assert raw_reads(trainer) == []
    assert_matches_raw_rows(data, trainer, "after the refresh")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_changes_keep_the_unit_rows_equal_to_the_raw_rows(
    data, seed, django_capture_on_commit_callbacks
):
    from cms.models import OrgUnit

    rng = random.Random(seed)
    people = data.people
    workers = [people[k] for k in ("wang", "li", "zhou", "chen")]
    units = list(OrgUnit.objects.filter(depth=3))
    lessons = list(data.lessons.values())
    quizzes = list(data.quizzes.values())
    for step in range(10):
        worker = rng.choice(workers)
        action = rng.choice(["watch", "watch", "quiz", "move"])
        with django_capture_on_commit_callbacks(execute=True):
            if action == "watch":
                start = rng.choice([0, 4, 8])
                end = start + rng.choice([4, 8, 12])
                watch(worker, rng.choice(lessons), [(start, end)], hour=2 + step)
            elif action == "quiz":
                quiz = rng.choice(quizzes)
                number = quiz.attempts.filter(user=worker).count() + 1
                attempt(
                    worker, quiz, rng.choice([30, 60, 90, 100]), timezone.now(), number
                )
            else:
                profile = worker.profile
                profile.org_unit = rng.choice(units)
                profile.save()
        stats_refresh_dirty()
        for who in VIEWERS:
            assert raw_reads(people[who]) == [], (step, action, who)
            assert_matches_raw_rows(data, people[who], (step, action, who))


def test_a_worker_who_moved_counts_in_the_new_unit_only(data):
    from cms.models import OrgUnit
    from dashboards.services.stats import stats_refresh_workers

    wang = data.people["wang"]  # from 五环居民区 (li and zhou stay) to 明园大楼
    profile = wang.profile
    profile.org_unit = OrgUnit.objects.get(name="明园大楼")
    profile.save()
    stats_refresh_workers(user_ids=[wang.pk])
    for who in ("trainer", "sup_jiangpu"):
        assert raw_reads(data.people[who]) == []
        assert_matches_raw_rows(data, data.people[who], who)
