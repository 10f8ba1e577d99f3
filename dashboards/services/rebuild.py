"""The worker rows of the stats tables from nothing, in set-based SQL.

The same figures as dashboards.sources.fill_activity (the source of truth, used
by the per-worker refresh), computed by a handful of INSERT ... SELECT over the
raw rows instead of row by row in Python: a district of 10,000 workers and two
million progress rows takes seconds, not minutes. tests/dashboards compare the
two after every step of random event sequences.

Assignments stay in Python where it is cheap, per assignment: its live lessons,
its targets and its cycle dates (progress.services.assignments); each worker's
standing in the cycle is then one query per assignment.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from dashboards import sources

TZ = "Asia/Shanghai"  # progress.services.ledger.SHANGHAI: 学时 days and weeks


def _monday(day_sql: str) -> str:
    return f"({day_sql} - (EXTRACT(ISODOW FROM {day_sql})::int - 1))"


def _local_day(moment_sql: str) -> str:
    return f"({moment_sql} AT TIME ZONE '{TZ}')::date"


def rebuild_worker_rows(*, now=None, tick=None) -> None:
    """Fill WorkerStat, WorkerWeekStat and WorkerLessonState (emptied by the
    caller) for every worker, as of now."""
    from progress.models import Assignment
    from progress.services.assignments import (
        _cycle,
        assignment_lesson_ids,
        assignment_targets,
    )
    from progress.services.ledger import local_day
    from quizzes.models import Quiz

    now = now or timezone.now()
    today = local_day(now)
    step = tick or (lambda n: None)
    workers_sql, workers_params = (
        sources.workers_qs()
        .values("pk", "profile__org_unit_id", "profile__org_unit__path")
        .distinct()
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS tmp_rebuild_workers, tmp_rebuild_items")
        cursor.execute(
            "CREATE TEMP TABLE tmp_rebuild_workers ON COMMIT DROP AS "
            f"SELECT w.* FROM ({workers_sql}) w(user_id, org_unit_id, path)",
            workers_params,
        )
        cursor.execute("ALTER TABLE tmp_rebuild_workers ADD PRIMARY KEY (user_id)")
        cursor.execute("ANALYZE tmp_rebuild_workers")

        # One row per worker, assignment and lesson: done in the current cycle,
        # and open in an overdue one (progress.services.assignments._item).
        cursor.execute(
            "CREATE TEMP TABLE tmp_rebuild_items (user_id int, lesson_id int, "
            "done boolean, overdue boolean) ON COMMIT DROP"
        )
        for assignment in Assignment.objects.filter(closed=False).prefetch_related(
            "org_units"
        ):
            lesson_ids = list(assignment_lesson_ids(assignment))
            if not lesson_ids:
                continue
            targets = list(assignment_targets(assignment).values_list("pk", flat=True))
            cycles = _cycle(assignment, today)
            due, start = cycles[-1]
            # A yearly assignment's missed previous cycle stays open while the
            # lessons are done neither in it nor since its due date.
            prev_due, prev_start = cycles[0] if len(cycles) == 2 else (None, None)
            cursor.execute(
                ITEMS_SQL,
                {
                    "targets": targets,
                    "lessons": lesson_ids,
                    "n": len(lesson_ids),
                    "two": len(cycles) == 2,
                    "prev_due": prev_due,
                    "prev_start": prev_start,
                    "due": due,
                    "start": start,
                    "today": today,
                },
            )
        cursor.execute("ANALYZE tmp_rebuild_items")
        step(1)

        cursor.execute(WORKER_SQL, _gain_params(Quiz) | {"now": now})
        step(1)
        cursor.execute(WEEK_SQL)
        step(1)
        cursor.execute(LESSON_SQL)
        step(1)


def _gain_params(Quiz) -> dict:
    """The first pre-test and post-test of each course that has both."""
    tests: dict[int, dict] = {}
    for pk, course_id, kind in (
        Quiz.objects.filter(
            kind__in=[Quiz.Kind.PRE_TEST, Quiz.Kind.POST_TEST], course__isnull=False
        )
        .order_by("pk")
        .values_list("pk", "course_id", "kind")
    ):
        tests.setdefault(course_id, {}).setdefault(kind, pk)
    pairs = [
        (kinds[Quiz.Kind.PRE_TEST], kinds[Quiz.Kind.POST_TEST])
        for kinds in tests.values()
        if len(kinds) == 2
    ]
    return {"pre": [p for p, _ in pairs], "post": [q for _, q in pairs]}


COMPLETED_DAY = _local_day("lp.completed_at")

ITEMS_SQL = f"""
INSERT INTO tmp_rebuild_items (user_id, lesson_id, done, overdue)
WITH cells AS (
    SELECT w.user_id, l.lesson_id, {COMPLETED_DAY} AS day
    FROM tmp_rebuild_workers w
    JOIN unnest(%(targets)s::int[]) t(user_id) ON t.user_id = w.user_id
    CROSS JOIN unnest(%(lessons)s::int[]) l(lesson_id)
    LEFT JOIN progress_lessonprogress lp
      ON lp.user_id = w.user_id AND lp.lesson_id = l.lesson_id
     AND lp.status = 'completed' AND lp.completed_at IS NOT NULL
),
standing AS (
    SELECT user_id,
           %(two)s
           AND COUNT(day) FILTER (
               WHERE %(prev_start)s::date IS NULL OR day > %(prev_start)s::date
           ) < %(n)s
           AND COUNT(day) FILTER (WHERE day > %(prev_due)s::date) < %(n)s AS missed
    FROM cells GROUP BY user_id
),
cycle AS (
    SELECT user_id,
           CASE WHEN missed THEN %(prev_due)s::date ELSE %(due)s::date END AS due,
           CASE WHEN missed THEN %(prev_start)s::date ELSE %(start)s::date END
               AS start
    FROM standing
),
marked AS (
    SELECT c.user_id, c.lesson_id, y.due,
           c.day IS NOT NULL AND (y.start IS NULL OR c.day > y.start) AS done
    FROM cells c JOIN cycle y USING (user_id)
)
SELECT user_id, lesson_id, done,
       NOT done AND due < %(today)s::date
       AND COUNT(*) FILTER (WHERE done) OVER (PARTITION BY user_id) < %(n)s
FROM marked
"""

WORKER_SQL = """
WITH assigned AS (
    SELECT user_id, COUNT(*) AS assigned,
           COUNT(*) FILTER (WHERE done) AS completed,
           COUNT(*) FILTER (WHERE overdue AND NOT done) AS overdue
    FROM (SELECT user_id, lesson_id, bool_or(done) AS done,
                 bool_or(overdue) AS overdue
          FROM tmp_rebuild_items GROUP BY user_id, lesson_id) l
    GROUP BY user_id
),
progress AS (
    SELECT lp.user_id, MAX(lp.last_activity_at) AS last_at
    FROM progress_lessonprogress lp JOIN tmp_rebuild_workers w USING (user_id)
    GROUP BY lp.user_id
),
ledger AS (
    SELECT d.user_id, SUM(round(d.watched_seconds + d.read_seconds)) AS seconds
    FROM progress_dailylearning d JOIN tmp_rebuild_workers w USING (user_id)
    GROUP BY d.user_id
),
quiz AS (
    SELECT a.user_id, COUNT(*) AS attempts, SUM(a.score) AS score_sum,
           COUNT(*) FILTER (WHERE a.passed) AS passed,
           MAX(a.submitted_at) AS last_at
    FROM quizzes_quizattempt a JOIN tmp_rebuild_workers w USING (user_id)
    WHERE a.status = 'submitted' AND a.score IS NOT NULL
    GROUP BY a.user_id
),
gain AS (
    SELECT pre.user_id,
           SUM((post.first_score - pre.first_score) / (100.0 - pre.first_score))
               AS gain_sum,
           COUNT(*) AS gain_count
    FROM unnest(%(pre)s::int[], %(post)s::int[]) AS pair(pre_id, post_id)
    JOIN quizzes_quizoutcome pre
      ON pre.quiz_id = pair.pre_id AND pre.first_score IS NOT NULL
     AND pre.first_score < 100
    JOIN quizzes_quizoutcome post
      ON post.quiz_id = pair.post_id AND post.user_id = pre.user_id
     AND post.first_score IS NOT NULL
    GROUP BY pre.user_id
)
INSERT INTO dashboards_workerstat (user_id, org_unit_id, path, assigned, completed,
    overdue, last_active_at, learning_seconds, quiz_attempts, quiz_score_sum,
    quiz_passed, gain_sum, gain_count, refreshed_at)
SELECT w.user_id, w.org_unit_id, w.path,
       COALESCE(a.assigned, 0), COALESCE(a.completed, 0), COALESCE(a.overdue, 0),
       NULLIF(GREATEST(COALESCE(p.last_at, '-infinity'),
                       COALESCE(q.last_at, '-infinity')), '-infinity'),
       COALESCE(l.seconds, 0), COALESCE(q.attempts, 0), COALESCE(q.score_sum, 0),
       COALESCE(q.passed, 0), COALESCE(g.gain_sum, 0), COALESCE(g.gain_count, 0),
       %(now)s
FROM tmp_rebuild_workers w
LEFT JOIN assigned a USING (user_id)
LEFT JOIN progress p USING (user_id)
LEFT JOIN ledger l USING (user_id)
LEFT JOIN quiz q USING (user_id)
LEFT JOIN gain g USING (user_id)
"""

WEEK_SQL = f"""
INSERT INTO dashboards_workerweekstat (user_id, week, path, learning_seconds,
    completions, quiz_attempts, quiz_score_sum, quiz_passed)
SELECT e.user_id, e.week, w.path, SUM(e.seconds), SUM(e.completions),
       SUM(e.attempts), SUM(e.score), SUM(e.passed)
FROM (
    SELECT user_id, {_monday("day")} AS week,
           round(watched_seconds + read_seconds) AS seconds, 0 AS completions,
           0 AS attempts, 0.0 AS score, 0 AS passed
    FROM progress_dailylearning
    UNION ALL
    SELECT user_id, {_monday(COMPLETED_DAY)}, 0, 1, 0, 0.0, 0
    FROM progress_lessonprogress lp
    WHERE status = 'completed' AND completed_at IS NOT NULL
    UNION ALL
    SELECT user_id, {_monday(_local_day("submitted_at"))}, 0, 0, 1, score,
           (passed IS TRUE)::int
    FROM quizzes_quizattempt
    WHERE status = 'submitted' AND score IS NOT NULL AND submitted_at IS NOT NULL
) e
JOIN tmp_rebuild_workers w USING (user_id)
GROUP BY e.user_id, e.week, w.path
"""

LESSON_SQL = """
INSERT INTO dashboards_workerlessonstate (user_id, lesson_id, path, assigned,
    started, completed)
SELECT COALESCE(a.user_id, p.user_id), COALESCE(a.lesson_id, p.lesson_id), w.path,
       a.user_id IS NOT NULL, p.user_id IS NOT NULL,
       COALESCE(p.status = 'completed', false)
FROM (SELECT DISTINCT user_id, lesson_id FROM tmp_rebuild_items) a
FULL JOIN (
    SELECT lp.user_id, lp.lesson_id, lp.status
    FROM progress_lessonprogress lp JOIN tmp_rebuild_workers USING (user_id)
) p ON p.user_id = a.user_id AND p.lesson_id = a.lesson_id
JOIN tmp_rebuild_workers w ON w.user_id = COALESCE(a.user_id, p.user_id)
"""
