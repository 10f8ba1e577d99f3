"""Random event sequences: the refreshed figures always equal the raw rows.

Events go through the real progress API; quiz attempts and moves between units
are written as their services write them. After each step the refresh job runs
(as beat does every 30 s); the incrementally kept tables must then equal a
rebuild from nothing and the direct computation from raw rows.
"""

import datetime as dt
import random

import pytest
from django.utils import timezone

from dashboards.models import UnitLessonStat, UnitWeekStat, WorkerStat
from dashboards.services.stats import stats_rebuild_all, stats_refresh_dirty
from tests.dashboards.dataset import attempt, build, direct
from tests.progress.factories import EVENTS_URL, batch, tick, video_lesson

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(
            UnitWeekStat.objects.values_list(
                "org_unit_id", "week", "active_workers", "learning_seconds",
                "completions", "quiz_attempts", "quiz_score_sum", "quiz_passed",
            )
        ),
        sorted(
            UnitLessonStat.objects.filter(assigned__gt=0)
            .values_list("org_unit_id", "lesson_id", "assigned", "started",
                         "completed", "assigned_completed")
            .union(
                UnitLessonStat.objects.filter(assigned=0).values_list(
                    "org_unit_id", "lesson_id", "assigned", "started",
                    "completed", "assigned_completed",
                )
            )
        ),
        sorted(
            WorkerStat.objects.values_list(
                "user_id", "path", "assigned", "completed", "overdue",
                "learning_seconds", "quiz_attempts", "quiz_passed", "gain_count",
            )
        ),
    )  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2])
def test_random_events_keep_the_figures_equal_to_the_raw_rows(
    client, seed, django_capture_on_commit_callbacks
):
    rng = random.Random(seed)
    data = build()
    stats_rebuild_all()
    lessons = [video_lesson(duration=30, parent=data.course) for _ in range(2)]
    for lesson in lessons:
        lesson.save_revision().publish()
    workers = [data.people[k] for k in ("w1", "w2", "w3", "w4")]
    neighbourhoods = [
        data.units["五环居民区"],
        data.units["明园大楼"],
        data.units["空居民区"],
    ]
    quiz = __import__("quizzes.models", fromlist=["Quiz"]).Quiz.objects.get(
        title="第1讲小测"
    )
    for step in range(12):
        worker = rng.choice(workers)
        action = rng.choice(["watch", "watch", "quiz", "move"])
        with django_capture_on_commit_callbacks(execute=True):
            if action == "watch":
                lesson = rng.choice(lessons)
                start = rng.choice([0, 10, 20])
                end = min(30, start + rng.choice([10, 20, 30]))
                client.force_login(worker)
                response = client.post(
                    EVENTS_URL,
                    batch([tick(lesson, start, end, at=timezone.now())]),
                    content_type="application/json",
                )
                assert response.status_code < 300, response.content
            elif action == "quiz":
                number = quiz.attempts.filter(user=worker).count() + 1
                attempt(worker, quiz, rng.choice([30, 60, 90]), timezone.now(), number)
            else:
                profile = worker.profile
                profile.org_unit = rng.choice(neighbourhoods)
                profile.save()
        stats_refresh_dirty()
        kept = snapshot()
        period_start = timezone.now() - dt.timedelta(weeks=11)
        for unit in data.units.values():
            from dashboards import selectors
            from dashboards.periods import period_default

            got = selectors.unit_overview(
                viewer=data.people["sup_district"], unit=unit, period=period_default()
            )
            since = dt.datetime.combine(
                period_default().start, dt.time(), tzinfo=period_start.tzinfo
            )
            expected = direct(unit, now=timezone.now(), since=since)
            for key, value in expected.items():
                assert getattr(got, key) == pytest.approx(value, abs=1e-6), (
                    step, action, unit.name, key,
                )  # fmt: skip
        stats_rebuild_all()
        assert snapshot() == kept, (step, action)
