"""Keeping the pre-aggregated figures (dashboards.models) in step with the raw rows.

- stats_mark_dirty: writes that change a worker's figures call this (services,
  signals); a beat task each minute runs stats_refresh_dirty, so the figures are
  never more than about a minute behind the events.
- stats_refresh_workers: recompute the workers' own rows from the raw rows and
  move each unit row by the difference between the old and the new worker rows,
  for every ancestor unit (old and new unit, should a worker have moved).
- stats_rebuild_all: from nothing, for every worker (after a bulk load, or to
  repair).
Each also brings the trainers' unit rows of the units concerned up to date
(dashboards.services.trainer_figures).
A transaction-scoped advisory lock keeps two refreshes from interleaving.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from cms.models import OrgUnit
from dashboards import sources
from dashboards.models import (
    DirtyWorker,
    RefreshMark,
    UnitLessonStat,
    UnitWeekStat,
    WorkerLessonState,
    WorkerStat,
    WorkerWeekStat,
)
from dashboards.services.trainer_figures import trainer_figures_refresh

LOCK_KEY = 812_012  # pg_advisory_xact_lock key of the stats refresh
BATCH = 500
STEP = OrgUnit.steplen
SNAPSHOT_FIELDS = (
    "assigned",
    "completed",
    "overdue",
    "last_active_at",
    "learning_seconds",
    "quiz_attempts",
    "quiz_score_sum",
    "quiz_passed",
    "gain_sum",
    "gain_count",
)
WEEK_SUMS = sources.WEEK_FIELDS
LESSON_SUMS = ("assigned", "started", "completed", "assigned_completed")


def stats_mark_dirty(*, user_ids: Iterable[int]) -> None:
    ids = sorted({int(pk) for pk in user_ids})
    if not ids:
        return
    from django.contrib.auth import get_user_model

    now = timezone.now()
    existing = get_user_model().objects.filter(pk__in=ids).values_list("pk", flat=True)
    DirtyWorker.objects.bulk_create(
        [DirtyWorker(user_id=pk, marked_at=now) for pk in existing],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["marked_at"],
    )


def stats_mark_all_dirty() -> None:
    stats_mark_dirty(user_ids=sources.workers_qs().values_list("pk", flat=True))


# Rows committed late carry an earlier timestamp than the last scan: read back
# this far each time (marking a worker twice only costs a second refresh).
SCAN_OVERLAP = dt.timedelta(minutes=2)


def stats_notice_changes(*, now: dt.datetime | None = None) -> int:
    """Mark dirty the workers with progress events or quiz submissions since the
    last scan, the targets of new assignments, and everyone once per local day
    (an assignment turns overdue at midnight with no event at all)."""
    from progress.models import Assignment, ProgressEvent
    from progress.services.assignments import assignment_targets
    from progress.services.ledger import local_day
    from quizzes.models import QuizAttempt

    now = now or timezone.now()
    mark, created = RefreshMark.objects.select_for_update().get_or_create(
        name="changes", defaults={"at": now}
    )
    if created or local_day(mark.at) != local_day(now):
        ids = set(sources.workers_qs().values_list("pk", flat=True))
    else:
        since = mark.at - SCAN_OVERLAP
        ids = set(
            ProgressEvent.objects.filter(received_at__gte=since)
            .values_list("user_id", flat=True)
            .distinct()
        )
        ids |= set(
            QuizAttempt.objects.filter(submitted_at__gte=since)
            .values_list("user_id", flat=True)
            .distinct()
        )
        for assignment in Assignment.objects.filter(created_at__gte=since):
            ids |= set(assignment_targets(assignment).values_list("pk", flat=True))
    stats_mark_dirty(user_ids=ids)
    mark.at = now
    mark.save(update_fields=["at"])
    return len(ids)


def stats_refresh_dirty(*, limit: int = 5000, now=None) -> int:
    """Notice changes, then refresh the workers marked dirty (oldest first)."""
    with transaction.atomic():
        _lock()
        stats_notice_changes(now=now)
        marks = list(
            DirtyWorker.objects.order_by("marked_at").values_list(
                "user_id", "marked_at"
            )[:limit]
        )
        ids = [pk for pk, _ in marks]
        units = _units_of(ids)
        if marks:
            _refresh(ids)
            _unmark(marks)
        trainer_figures_refresh(unit_ids=units)
    return len(marks)


def _units_of(ids: list[int]) -> set[int]:
    """The units whose trainers' rows the people ids count in: their unit now,
    and the one the stats last saw them in (a worker who moved)."""
    from cms.models import Profile

    units = set()
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        units |= set(
            Profile.objects.filter(user_id__in=batch).values_list(
                "org_unit_id", flat=True
            )
        )
        units |= set(
            WorkerStat.objects.filter(user_id__in=batch).values_list(
                "org_unit_id", flat=True
            )
        )
    return units


def _unmark(marks: list[tuple[int, dt.datetime]]) -> None:
    """Delete the marks just refreshed; a mark made while we worked (a later
    marked_at) stays for the next run."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM dashboards_dirtyworker d USING "
                "unnest(%s::int[], %s::timestamptz[]) AS m(user_id, marked_at) "
                "WHERE d.user_id = m.user_id AND d.marked_at <= m.marked_at",
                [[pk for pk, _ in marks], [at for _, at in marks]],
            )
        return
    # The embedded run's SQLite: one query per group of marks.
    for start in range(0, len(marks), 200):
        condition = Q()
        for pk, at in marks[start : start + 200]:
            condition |= Q(user_id=pk, marked_at__lte=at)
        DirtyWorker.objects.filter(condition).delete()


def stats_refresh_workers(*, user_ids: Iterable[int]) -> None:
    ids = sorted({int(pk) for pk in user_ids})
    with transaction.atomic():
        _lock()
        units = _units_of(ids)
        for start in range(0, len(ids), BATCH):
            _refresh(ids[start : start + BATCH])
        trainer_figures_refresh(unit_ids=units)


def stats_rebuild_all(*, tick: Callable[[int], None] | None = None) -> int:
    """Empty every stats table and compute it again for every worker (set-based
    SQL, dashboards.services.rebuild; the per-worker refresh is the reference)."""
    from dashboards.services.rebuild import rebuild_worker_rows

    ids = list(sources.workers_qs().order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        _lock()
        # DELETE, not TRUNCATE: a test's (or caller's) transaction may hold
        # deferred foreign-key checks on these tables.
        with connection.cursor() as cursor:
            for table in (
                "dashboards_workerstat",
                "dashboards_workerweekstat",
                "dashboards_unitweekstat",
                "dashboards_workerlessonstate",
                "dashboards_unitlessonstat",
                "dashboards_dirtyworker",
                "dashboards_unitlessonfunnel",
                "dashboards_unittypeoutcome",
            ):
                cursor.execute(f"DELETE FROM {table}")
        if connection.vendor == "postgresql":
            # Progress-bar steps: a share of the workers per statement.
            rebuild_worker_rows(tick=(lambda n: tick(len(ids) // 5)) if tick else None)
            _rebuild_unit_tables()
            if tick:
                tick(len(ids) - 4 * (len(ids) // 5))
        else:
            # SQLite (the embedded run, a few hundred workers): the per-worker
            # refresh, in batches, from the emptied tables (it moves the unit
            # rows by each worker's new figures).
            for start in range(0, len(ids), BATCH):
                batch = ids[start : start + BATCH]
                _refresh(batch)
                if tick:
                    tick(len(batch))
        # Every unit, both paths: the trainers' rows count everyone with a
        # profile, not only the workers above, with the same SQL on either
        # database.
        trainer_figures_refresh(unit_ids=None)
        RefreshMark.objects.update_or_create(
            name="changes", defaults={"at": timezone.now()}
        )
    return len(ids)


def _lock() -> None:
    # SQLite (the embedded run) lets one writer at a time in anyway.
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _ancestor_paths(path: str) -> list[str]:
    return [path[:end] for end in range(STEP, len(path) + 1, STEP)]


def _refresh(ids: list[int]) -> None:
    now = timezone.now()
    new = sources.raw_workers(ids, now=now)

    old_paths = dict(
        WorkerStat.objects.filter(user_id__in=ids).values_list("user_id", "path")
    )
    old_weeks = defaultdict(dict)
    old_lessons = defaultdict(dict)
    for row in WorkerWeekStat.objects.filter(user_id__in=ids).values(
        "user_id", "week", *WEEK_SUMS
    ):
        old_weeks[row["user_id"]][row["week"]] = row
    for row in WorkerLessonState.objects.filter(user_id__in=ids).values_list(
        "user_id", "lesson_id", "assigned", "started", "completed"
    ):
        old_lessons[row[0]][row[1]] = row[2:]

    week_delta: dict[tuple[str, object], list] = defaultdict(
        lambda: [0] * (1 + len(WEEK_SUMS))
    )
    lesson_delta: dict[tuple[str, int], list] = defaultdict(
        lambda: [0] * len(LESSON_SUMS)
    )

    def add_weeks(path, weeks, sign):
        for ancestor in _ancestor_paths(path):
            for week, values in weeks.items():
                delta = week_delta[(ancestor, week)]
                delta[0] += sign  # active workers: one per worker-week row
                for i, name in enumerate(WEEK_SUMS):
                    delta[i + 1] += sign * values[name]

    def add_lessons(path, lessons, sign):
        for ancestor in _ancestor_paths(path):
            for lesson_id, (assigned, started, completed) in lessons.items():
                delta = lesson_delta[(ancestor, lesson_id)]
                delta[0] += sign * assigned
                delta[1] += sign * started
                delta[2] += sign * completed
                delta[3] += sign * (assigned and completed)

    for pk in ids:
        if pk in old_paths:
            add_weeks(old_paths[pk], old_weeks.get(pk, {}), -1)
            add_lessons(old_paths[pk], old_lessons.get(pk, {}), -1)
        if pk in new:
            worker = new[pk]
            add_weeks(worker.path, worker.weeks, +1)
            add_lessons(worker.path, worker.lessons, +1)

    WorkerWeekStat.objects.filter(user_id__in=ids).delete()
    WorkerLessonState.objects.filter(user_id__in=ids).delete()
    WorkerStat.objects.filter(user_id__in=ids).exclude(user_id__in=list(new)).delete()

    WorkerStat.objects.bulk_create(
        [
            WorkerStat(
                user_id=w.user_id,
                org_unit_id=w.org_unit_id,
                path=w.path,
                refreshed_at=now,
                **{name: getattr(w, name) for name in SNAPSHOT_FIELDS},
            )
            for w in new.values()
        ],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["org_unit", "path", "refreshed_at", *SNAPSHOT_FIELDS],
    )
    from dashboards.sql import copy_rows

    copy_rows(
        "dashboards_workerweekstat",
        ["user_id", "week", "path", *WEEK_SUMS],
        (
            (w.user_id, week, w.path, *(values[name] for name in WEEK_SUMS))
            for w in new.values()
            for week, values in w.weeks.items()
        ),
    )
    copy_rows(
        "dashboards_workerlessonstate",
        ["user_id", "lesson_id", "path", "assigned", "started", "completed"],
        (
            (w.user_id, lesson_id, w.path, *state)
            for w in new.values()
            for lesson_id, state in w.lessons.items()
        ),
    )
    _apply_unit_deltas(week_delta, lesson_delta)


def _rebuild_unit_tables() -> None:
    """Unit rows from the worker rows, one scan per tree level (after a rebuild)."""
    depth = OrgUnit.objects.order_by("-depth").values_list("depth", flat=True).first()
    lengths = [STEP * d for d in range(1, (depth or 0) + 1)]
    if not lengths:
        return

    def levels(select, table, group):
        return " UNION ALL ".join(
            f"SELECT substr(path, 1, {n}) AS prefix, {select} FROM {table} "
            f"WHERE length(path) >= {n} GROUP BY 1, {group}"
            for n in lengths
        )

    week_sums = ", ".join(f"SUM({c}) AS {c}" for c in WEEK_SUMS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO dashboards_unitweekstat (org_unit_id, week, active_workers, "
            f"{', '.join(WEEK_SUMS)}) SELECT u.id, t.week, t.active, "
            f"{', '.join('t.' + c for c in WEEK_SUMS)} FROM ("
            + levels(
                f"week, COUNT(*) AS active, {week_sums}",
                "dashboards_workerweekstat",
                "week",
            )
            + ") t JOIN cms_orgunit u ON u.path = t.prefix"
        )
        cursor.execute(
            "INSERT INTO dashboards_unitlessonstat (org_unit_id, lesson_id, assigned, "
            "started, completed, assigned_completed) SELECT u.id, t.lesson_id, t.a, "
            "t.s, t.c, t.ac FROM ("
            + levels(
                "lesson_id, SUM(CASE WHEN assigned THEN 1 ELSE 0 END) AS a, "
                "SUM(CASE WHEN started THEN 1 ELSE 0 END) AS s, "
                "SUM(CASE WHEN completed THEN 1 ELSE 0 END) AS c, "
                "SUM(CASE WHEN assigned AND completed THEN 1 ELSE 0 END) AS ac",
                "dashboards_workerlessonstate",
                "lesson_id",
            )
            + ") t JOIN cms_orgunit u ON u.path = t.prefix"
        )


def _unit_ids(paths) -> dict[str, int]:
    return dict(OrgUnit.objects.filter(path__in=list(paths)).values_list("path", "pk"))


def _apply_unit_deltas(week_delta, lesson_delta) -> None:
    units = _unit_ids({p for p, _ in week_delta} | {p for p, _ in lesson_delta})
    week_rows = [
        (units[path], week, *delta)
        for (path, week), delta in week_delta.items()
        if path in units and any(delta)
    ]
    lesson_rows = [
        (units[path], lesson, *delta)
        for (path, lesson), delta in lesson_delta.items()
        if path in units and any(delta)
    ]
    _upsert_add(
        "dashboards_unitweekstat",
        ("org_unit_id", "week"),
        ("active_workers", *WEEK_SUMS),
        week_rows,
    )
    _upsert_add(
        "dashboards_unitlessonstat",
        ("org_unit_id", "lesson_id"),
        LESSON_SUMS,
        lesson_rows,
    )
    # Rows that fell to nothing go, so that a unit's table holds only real weeks.
    if week_rows:
        UnitWeekStat.objects.filter(
            active_workers=0, org_unit_id__in={row[0] for row in week_rows}
        ).delete()
    if lesson_rows:
        UnitLessonStat.objects.filter(
            assigned=0,
            started=0,
            completed=0,
            org_unit_id__in={row[0] for row in lesson_rows},
        ).delete()


def _upsert_add(table, keys, sums, rows) -> None:
    if not rows:
        return
    columns = (*keys, *sums)
    updates = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in sums)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
