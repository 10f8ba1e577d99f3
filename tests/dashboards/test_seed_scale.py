"""seed_scale at a small size: the set-based stats equal the per-worker source of
truth, and the bulk load gives back every index and constraint it set aside."""

import random

import pytest
from django.db import connection

from dashboards import scale, sources
from dashboards.models import WorkerLessonState, WorkerStat, WorkerWeekStat
from dashboards.services.stats import SNAPSHOT_FIELDS, WEEK_SUMS

pytestmark = pytest.mark.django_db


def seed(workers=60, lessons=6):
    return scale.seed_all(
        rng=random.Random(3),
        workers=workers,
        lessons=lessons,
        tick=lambda n: None,
        stage=lambda label: None,
    )


def schema(tables):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "UNION ALL SELECT conrelid::regclass::text || conname || "
            "pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s)",
            [list(tables), list(tables)],
        )
        return sorted(row[0] for row in cursor.fetchall())


def test_seeded_worker_figures_equal_the_raw_rows():
    seeded = seed()
    raw = sources.raw_workers(seeded.worker_ids)
    stored = {s.user_id: s for s in WorkerStat.objects.all()}
    assert set(stored) == set(raw)
    assert any(w.overdue for w in raw.values())  # the seed has overdue work
    for pk, worker in raw.items():
        assert stored[pk].last_active_at == worker.last_active_at, pk
        for name in set(SNAPSHOT_FIELDS) - {"last_active_at"}:
            assert getattr(stored[pk], name) == pytest.approx(
                getattr(worker, name), abs=1e-6
            ), (pk, name)
    weeks = {
        (w.user_id, w.week): tuple(getattr(w, n) for n in WEEK_SUMS)
        for w in WorkerWeekStat.objects.all()
    }
    assert weeks == {
        (pk, week): pytest.approx(tuple(values[n] for n in WEEK_SUMS))
        for pk, worker in raw.items()
        for week, values in worker.weeks.items()
    }
    assert set(
        WorkerLessonState.objects.values_list(
            "user_id", "lesson_id", "assigned", "started", "completed"
        )
    ) == {
        (pk, lesson, *state)
        for pk, worker in raw.items()
        for lesson, state in worker.lessons.items()
    }


def test_bulk_load_restores_every_index_and_constraint():
    tables = (*scale.ACTIVITY_TABLES, *scale.STATS_TABLES)
    before = schema(tables)
    seed(workers=20, lessons=3)
    assert schema(tables) == before
