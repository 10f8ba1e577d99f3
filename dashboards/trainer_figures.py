"""The trainers' lesson funnels and outcomes by instructor type, per org unit.

Both are counts of distinct people, sums and means. A person has exactly one org
unit (cms.Profile.org_unit), and whom a viewer's aggregates count
(cms.scoping.aggregate_people_for) is every person of some units (trainers: all;
supervisors: a subtree), so per-unit rows add up to any viewer's figures.

Per-unit rows come either from the raw rows (unit_funnel_rows, unit_type_rows,
for any set of people), or from the tables the stats refresh keeps from those
same functions for everyone (UnitLessonFunnel, UnitTypeOutcome): at district
scale the raw rows take seconds (two million progress rows), the tables a few
milliseconds. A plan holds the content side of a computation (lessons, video
half-times, quizzes, instructor types, pre/post tests); the tables serve a page
only when they were filled for the same plan (its signature) in the last minute.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.db import connection
from django.utils import timezone

from dashboards.sql import literal_table

# A lesson whose stored coverage reaches this share of its video time counts as
# "video half watched" in the funnel.
HALF = 0.5
NO_TYPE = ""
# The refresh runs every 30 s (CELERY_BEAT_SCHEDULE): rows older than this mean
# it stopped, and the pages compute from the raw rows rather than show old ones.
STALE_AFTER = dt.timedelta(seconds=60)
FUNNEL = "funnel"
TYPES = "types"
FUNNEL_SUMS = ("opened", "half_watched", "completed", "quiz_passed")
TYPE_SUMS = (
    "opened",
    "completed",
    "completion_workers",
    "score_sum",
    "score_count",
    "score_workers",
    "gain_sum",
    "gain_count",
    "gain_workers",
)


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class FunnelPlan:
    halves: tuple[tuple[int, float | None], ...]  # lesson, seconds (None: no video)
    placements: tuple[tuple[int, int], ...]  # lesson, quiz

    @cached_property
    def signature(self) -> str:
        return _digest([FUNNEL, self.halves, self.placements])

    @cached_property
    def quiz_lessons(self) -> set[int]:
        return {lesson for lesson, _ in self.placements}


@dataclass(frozen=True)
class TypePlan:
    kinds: tuple[str, ...]
    lessons: tuple[tuple[int, str], ...]  # lesson, kind
    quizzes: tuple[tuple[int, str], ...]  # lesson quiz, kind
    courses: tuple[tuple[int, str], ...]  # course with both tests, kind
    tests: tuple[tuple[int, int, int], ...]  # course, pre-test, post-test

    @cached_property
    def signature(self) -> str:
        return _digest(
            [TYPES, self.kinds, self.lessons, self.quizzes, self.courses, self.tests]
        )


def funnel_plan(lessons) -> FunnelPlan:
    """lessons: trainer_selectors.LessonRef, the half-time from their videos."""
    from quizzes.models import QuizPlacement

    ids = [lesson.pk for lesson in lessons]
    return FunnelPlan(
        halves=tuple(
            (
                lesson.pk,
                HALF * lesson.video_seconds - 1e-6 if lesson.videos else None,
            )
            for lesson in lessons
        ),
        placements=tuple(
            QuizPlacement.objects.filter(lesson_id__in=ids)
            .order_by("lesson_id", "quiz_id")
            .values_list("lesson_id", "quiz_id")
            .distinct()
        ),
    )


def instructor_types_of(lessons) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """(lessons, courses) by instructor type.

    A lesson counts for the types of its own instructors (none: NO_TYPE); a
    course, whose pre/post test measures the whole course, for the types of its
    own instructors and of its lessons'.
    """
    from lessons.models import CoursePage, LessonPage

    lesson_ids = {lesson.pk for lesson in lessons}
    by_lesson = defaultdict(set)
    for lesson_id, kind in LessonPage.instructors.through.objects.filter(
        lessonpage_id__in=lesson_ids
    ).values_list("lessonpage_id", "instructor__type"):
        by_lesson[lesson_id].add(kind)
    lessons_of, courses_of = defaultdict(set), defaultdict(set)
    for lesson in lessons:
        for kind in by_lesson.get(lesson.pk) or {NO_TYPE}:
            lessons_of[kind].add(lesson.pk)
            if lesson.course_id and kind != NO_TYPE:
                courses_of[kind].add(lesson.course_id)
    for course_id, kind in CoursePage.instructors.through.objects.filter(
        coursepage_id__in={lesson.course_id for lesson in lessons}
    ).values_list("coursepage_id", "instructor__type"):
        courses_of[kind].add(course_id)
    typed = {c for kind, ids in courses_of.items() for c in ids}
    courses_of[NO_TYPE] = {
        lesson.course_id
        for lesson in lessons
        if lesson.course_id and lesson.course_id not in typed
    }
    return lessons_of, courses_of


def type_plan(lessons) -> tuple[TypePlan, dict[str, int]]:
    """The plan, and the number of lessons of each type that has any."""
    from lessons.models import Instructor
    from quizzes.models import Quiz, QuizPlacement

    lessons_of, courses_of = instructor_types_of(lessons)
    order = [kind for kind, _ in Instructor.Type.choices] + [NO_TYPE]
    kinds = [kind for kind in order if lessons_of.get(kind)]

    def pairs(groups: dict[str, set[int]]) -> tuple[tuple[int, str], ...]:
        return tuple(
            (pk, kind) for kind in kinds for pk in sorted(groups.get(kind, ()))
        )

    placed = defaultdict(set)
    for lesson_id, quiz_id in QuizPlacement.objects.filter(
        lesson_id__in={pk for k in kinds for pk in lessons_of[k]},
        quiz__kind=Quiz.Kind.LESSON,
    ).values_list("lesson_id", "quiz_id"):
        placed[lesson_id].add(quiz_id)
    quizzes_of = {
        kind: {q for pk in lessons_of[kind] for q in placed.get(pk, ())}
        for kind in kinds
    }
    tests = defaultdict(dict)  # course -> kind -> first quiz id (as dashboards do)
    for pk, course_id, kind in (
        Quiz.objects.filter(
            kind__in=[Quiz.Kind.PRE_TEST, Quiz.Kind.POST_TEST],
            course_id__in={c for k in kinds for c in courses_of.get(k, ())},
        )
        .order_by("pk")
        .values_list("pk", "course_id", "kind")
    ):
        tests[course_id].setdefault(kind, pk)
    tested = {
        course: (found[Quiz.Kind.PRE_TEST], found[Quiz.Kind.POST_TEST])
        for course, found in tests.items()
        if len(found) == 2
    }
    plan = TypePlan(
        kinds=tuple(kinds),
        lessons=pairs(lessons_of),
        quizzes=pairs(quizzes_of),
        courses=pairs(
            {k: {c for c in courses_of.get(k, ()) if c in tested} for k in kinds}
        ),
        tests=tuple(
            (course, pre, post) for course, (pre, post) in sorted(tested.items())
        ),
    )
    return plan, {kind: len(lessons_of[kind]) for kind in kinds}


# Per-unit rows from the raw rows. people: (SQL selecting user ids, params).


def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def unit_funnel_rows(
    plan: FunnelPlan, people: tuple[str, tuple]
) -> dict[tuple[int, int], list[int]]:
    """(unit, lesson) -> [opened, half watched, completed, quiz passed].

    - opened: a progress row exists (any event of the lesson);
    - video half watched: the union of watched intervals covers at least half of
      the lesson's video seconds;
    - completed: the progress rule's completion;
    - quiz passed: passed every quiz placed in the lesson (QuizOutcome).

    Each lesson's half-time goes in as an array joined to the progress rows (a
    CASE per lesson was ten times slower at district scale).
    """
    from cms.models import Profile
    from progress.models import LessonProgress
    from quizzes.models import QuizOutcome

    out = defaultdict(lambda: [0, 0, 0, 0])
    if not plan.halves:
        return out
    people_sql, people_params = people
    profile = Profile._meta.db_table
    progress = LessonProgress._meta.db_table
    outcome = QuizOutcome._meta.db_table
    table, table_params = literal_table(
        "h", [("lesson_id", "integer"), ("seconds", "float8")], list(plan.halves)
    )
    for unit, lesson, opened, half, completed in _rows(
        f"""
        SELECT pr.org_unit_id, p.lesson_id, COUNT(*),
               COUNT(*) FILTER (WHERE p.watched_seconds >= h.seconds),
               COUNT(*) FILTER (WHERE p.status = %s)
        FROM {progress} p
        JOIN {table} ON h.lesson_id = p.lesson_id
        JOIN {profile} pr ON pr.user_id = p.user_id
        WHERE p.user_id IN ({people_sql})
        GROUP BY pr.org_unit_id, p.lesson_id
        """,
        [LessonProgress.Status.COMPLETED, *table_params, *people_params],
    ):
        out[(unit, lesson)][:3] = [opened, half, completed]

    # QuizOutcome holds one row per person and quiz, so for a lesson with one
    # quiz (nearly all) the count of its passed outcomes is the answer; only
    # lessons with several quizzes group per person first.
    quizzes = defaultdict(set)
    for lesson, quiz in plan.placements:
        quizzes[lesson].add(quiz)
    placed_columns = [("lesson_id", "integer"), ("quiz_id", "bigint")]
    single = [(lesson, next(iter(q))) for lesson, q in quizzes.items() if len(q) == 1]
    several = [(lesson, q) for lesson, qs in quizzes.items() if len(qs) > 1 for q in qs]
    found = []
    if single:
        table, table_params = literal_table("s", placed_columns, single)
        found += _rows(
            f"""
            SELECT pr.org_unit_id, s.lesson_id, COUNT(*)
            FROM {outcome} o
            JOIN {table} ON s.quiz_id = o.quiz_id
            JOIN {profile} pr ON pr.user_id = o.user_id
            WHERE o.passed AND o.user_id IN ({people_sql})
            GROUP BY pr.org_unit_id, s.lesson_id
            """,
            [*table_params, *people_params],
        )
    if several:
        table, table_params = literal_table("s", placed_columns, several)
        found += _rows(
            f"""
            WITH placed AS (
                SELECT * FROM {table}
            ), needed AS (
                SELECT lesson_id, COUNT(*) AS n FROM placed GROUP BY lesson_id
            ), passed AS (
                SELECT p.lesson_id, o.user_id, COUNT(*) AS n
                FROM {outcome} o JOIN placed p ON p.quiz_id = o.quiz_id
                WHERE o.passed AND o.user_id IN ({people_sql})
                GROUP BY p.lesson_id, o.user_id
            )
            SELECT pr.org_unit_id, w.lesson_id, COUNT(*)
            FROM passed w
            JOIN needed q ON q.lesson_id = w.lesson_id AND q.n = w.n
            JOIN {profile} pr ON pr.user_id = w.user_id
            GROUP BY pr.org_unit_id, w.lesson_id
            """,
            [*table_params, *people_params],
        )
    for unit, lesson, passed in found:
        out[(unit, lesson)][3] = passed
    return out


def unit_type_rows(
    plan: TypePlan, people: tuple[str, tuple]
) -> dict[tuple[int, str], list]:
    """(unit, kind) -> the TYPE_SUMS.

    - completion: completed and opened person-lesson pairs of the type's
      lessons, and the people who opened one of them;
    - score: sum and count of first-attempt scores over person-quiz pairs of the
      lesson quizzes of the type's lessons, and the people with one;
    - gain: sum and count of the normalised gains (post − pre) / (100 − pre) of
      the first attempts (quizzes.grading.normalised_gain, in SQL: undefined
      when pre is 100) over person-course pairs of the courses with both tests
      that count for the type, and the people with one.

    Each groups by type and person first: a hash aggregate of people x types
    instead of the sort of every row that COUNT(DISTINCT) needs.
    """
    from cms.models import Profile
    from progress.models import LessonProgress
    from quizzes.models import QuizOutcome

    out = defaultdict(lambda: [0, 0, 0, 0.0, 0, 0, 0.0, 0, 0])
    if not plan.kinds:
        return out
    people_sql, people_params = people
    profile = Profile._meta.db_table
    progress = LessonProgress._meta.db_table
    outcome = QuizOutcome._meta.db_table
    # SUM of integers is NUMERIC on PostgreSQL: the values are cast in Python.
    per_unit = f"""
        SELECT pr.org_unit_id, w.kind, SUM(w.a), SUM(w.b), COUNT(*)
        FROM ({{per_worker}}) w
        JOIN {profile} pr ON pr.user_id = w.user_id
        GROUP BY pr.org_unit_id, w.kind
    """

    table, table_params = literal_table(
        "t", [("lesson_id", "integer"), ("kind", "text")], list(plan.lessons)
    )
    for unit, kind, opened, completed, workers in _rows(
        per_unit.format(
            per_worker=f"""
            SELECT t.kind, p.user_id, COUNT(*) AS a,
                   COUNT(*) FILTER (WHERE p.status = %s) AS b
            FROM {progress} p
            JOIN {table} ON t.lesson_id = p.lesson_id
            WHERE p.user_id IN ({people_sql})
            GROUP BY t.kind, p.user_id
            """
        ),
        [LessonProgress.Status.COMPLETED, *table_params, *people_params],
    ):
        out[(unit, kind)][0:3] = [int(opened), int(completed), int(workers)]

    if plan.quizzes:
        table, table_params = literal_table(
            "t", [("quiz_id", "bigint"), ("kind", "text")], list(plan.quizzes)
        )
        for unit, kind, total, n, workers in _rows(
            per_unit.format(
                per_worker=f"""
                SELECT t.kind, o.user_id, SUM(o.first_score) AS a, COUNT(*) AS b
                FROM {outcome} o
                JOIN {table} ON t.quiz_id = o.quiz_id
                WHERE o.first_score IS NOT NULL AND o.user_id IN ({people_sql})
                GROUP BY t.kind, o.user_id
                """
            ),
            [*table_params, *people_params],
        ):
            out[(unit, kind)][3:6] = [float(total), int(n), int(workers)]

    if plan.courses:
        # Both tests of a person in one pass over the outcomes, grouped per
        # course and person: a self-join of the outcomes on (quiz, person) was
        # planned as a nested loop over every outcome of each person.
        roles, roles_params = literal_table(
            "r",
            [("quiz_id", "bigint"), ("course_id", "integer"), ("pre", "integer")],
            [(pre, course, 1) for course, pre, _ in plan.tests]
            + [(post, course, 0) for course, _, post in plan.tests],
        )
        kinds, kinds_params = literal_table(
            "k", [("course_id", "integer"), ("kind", "text")], list(plan.courses)
        )
        for unit, kind, total, n, workers in _rows(
            f"""
            WITH scores AS (
                SELECT r.course_id, o.user_id,
                       MAX(CASE WHEN r.pre = 1 THEN o.first_score END) AS pre,
                       MAX(CASE WHEN r.pre = 0 THEN o.first_score END) AS post
                FROM {outcome} o
                JOIN {roles} ON r.quiz_id = o.quiz_id
                WHERE o.user_id IN ({people_sql})
                GROUP BY r.course_id, o.user_id
            ), gains AS (
                SELECT course_id, user_id, (post - pre) / (100.0 - pre) AS gain
                FROM scores
                WHERE pre < 100 AND post IS NOT NULL
            )
            """
            + per_unit.format(
                per_worker=f"""
                SELECT k.kind, g.user_id, SUM(g.gain) AS a, COUNT(*) AS b
                FROM gains g
                JOIN {kinds} ON k.course_id = g.course_id
                GROUP BY k.kind, g.user_id
                """
            ),
            [*roles_params, *people_params, *kinds_params],
        ):
            out[(unit, kind)][6:9] = [float(total), int(n), int(workers)]
    return out


# The stored rows.


def stored_mark_is_fresh(name: str, signature: str) -> bool:
    from dashboards.models import TrainerFiguresMark

    mark = TrainerFiguresMark.objects.filter(name=name).first()
    return (
        mark is not None
        and mark.signature == signature
        and mark.at >= timezone.now() - STALE_AFTER
    )
