"""Reads behind the trainers' pages (微课分析): aggregates only, never a name.

Every figure counts the workers cms.scoping.aggregate_people_for lets the viewer
see (trainers: everyone; supervisors: their subtree), and each comes with the
number of workers behind it, so a page can warn when that number is small.
Raw rows are read with a fixed number of GROUP BY queries, whatever the number
of lessons, videos or decisions.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Avg, Count, Q

from cms.scoping import aggregate_people_for
from dashboards.sql import literal_table
from lessons.models import CoursePage, Instructor, LessonPage
from progress.lesson_rules import _video_span, lesson_facts
from progress.models import LessonProgress

SMALL_N = 10
BUCKET_SECONDS = 5
# A lesson whose stored coverage reaches this share of its video time counts as
# "video half watched" in the funnel.
HALF = 0.5


def small(n: int | None) -> bool:
    """Too few workers behind a figure to read much into it."""
    return n is not None and n < SMALL_N


def _ratio(numerator, denominator) -> float | None:
    return None if not denominator else numerator / denominator


@dataclass(frozen=True)
class LessonRef:
    pk: int
    title: str
    course_id: int | None
    course: str
    # Video block id -> (start, end) media seconds, the completion rule's spans.
    videos: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def video_seconds(self) -> float:
        return sum(end - start for start, end in self.videos.values())


def content_lessons(*, pks: list[int] | None = None) -> list[LessonRef]:
    """Every live lesson (or those of pks), in tree order, with course and videos.

    Spans come from the stored script and one query for the videos' durations,
    with the completion rule's own span function (progress.lesson_rules), so the
    funnel's "half watched" measures the same seconds as completion does.
    """
    from media.models import Video

    lessons = LessonPage.objects.live()
    if pks is not None:
        lessons = lessons.filter(pk__in=pks)
    lessons = list(
        lessons.order_by("path").only("pk", "title", "path", "depth", "script")
    )
    courses = {
        c["path"]: c
        for c in CoursePage.objects.filter(
            path__in={lesson.path[: -LessonPage.steplen] for lesson in lessons}
        ).values("pk", "title", "path")
    }
    blocks = {
        lesson.pk: [
            (b["id"], b.get("value") or {})
            for b in lesson.script.raw_data
            if b.get("type") == "video"
        ]
        for lesson in lessons
    }
    video_ids = {v.get("video") for items in blocks.values() for _, v in items}
    videos = {
        v.pk: v
        for v in Video.objects.filter(pk__in=[i for i in video_ids if i]).only(
            "pk", "duration"
        )
    }
    refs = []
    for lesson in lessons:
        spans = {}
        for block_id, value in blocks[lesson.pk]:
            span = _video_span({**value, "video": videos.get(value.get("video"))})
            if span:
                spans[block_id] = span
        course = courses.get(lesson.path[: -LessonPage.steplen])
        refs.append(
            LessonRef(
                pk=lesson.pk,
                title=lesson.title,
                course_id=course["pk"] if course else None,
                course=course["title"] if course else "",
                videos=spans,
            )
        )
    return refs


# (a) The funnel: opened, video half watched, completed, quiz passed.


@dataclass(frozen=True)
class Funnel:
    opened: int = 0
    half_watched: int | None = None  # None: the lesson has no video
    completed: int = 0
    quiz_passed: int | None = None  # None: the lesson has no quiz

    @property
    def completion_rate(self) -> float | None:
        return _ratio(self.completed, self.opened)


def _people_sql(people) -> tuple[str, tuple]:
    """The scoped people as a SQL subquery (for the set-based queries below)."""
    try:
        sql, params = people.values("pk").query.sql_with_params()
    except EmptyResultSet:  # a viewer who may see nobody's learning
        return "SELECT CAST(NULL AS INTEGER) WHERE 1 = 0", ()
    return sql, tuple(params)


def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def lesson_funnels(*, viewer, lessons: list[LessonRef]) -> dict[int, Funnel]:
    """Distinct workers per stage and lesson (lessons nobody opened: zeros).

    - opened: a progress row exists (any event of the lesson);
    - video half watched: the union of watched intervals covers at least half of
      the lesson's video seconds;
    - completed: the progress rule's completion;
    - quiz passed: passed every quiz placed in the lesson (QuizOutcome).

    Two queries whatever the number of lessons: each lesson's half-time goes in
    as an array joined to the progress rows (a CASE per lesson was ten times
    slower at district scale).
    """
    people_sql, people_params = _people_sql(aggregate_people_for(viewer))
    ids = [lesson.pk for lesson in lessons]
    if not ids:
        return {}
    halves = [
        HALF * lesson.video_seconds - 1e-6 if lesson.videos else None
        for lesson in lessons
    ]
    progress = LessonProgress._meta.db_table
    table, table_params = literal_table(
        "h",
        [("lesson_id", "integer"), ("seconds", "float8")],
        list(zip(ids, halves, strict=True)),
    )
    found = {
        lesson_id: (opened, half, completed)
        for lesson_id, opened, half, completed in _rows(
            f"""
            SELECT p.lesson_id, COUNT(*),
                   COUNT(*) FILTER (WHERE p.watched_seconds >= h.seconds),
                   COUNT(*) FILTER (WHERE p.status = %s)
            FROM {progress} p
            JOIN {table} ON h.lesson_id = p.lesson_id
            WHERE p.user_id IN ({people_sql})
            GROUP BY p.lesson_id
            """,
            [LessonProgress.Status.COMPLETED, *table_params, *people_params],
        )
    }
    passed = _quiz_passed(people=(people_sql, people_params), lesson_ids=ids)
    out = {}
    for lesson in lessons:
        opened, half, completed = found.get(lesson.pk, (0, 0, 0))
        out[lesson.pk] = Funnel(
            opened=opened,
            half_watched=half if lesson.videos else None,
            completed=completed,
            quiz_passed=passed.get(lesson.pk),
        )
    return out


def _quiz_passed(*, people: tuple[str, tuple], lesson_ids: list[int]) -> dict[int, int]:
    """Per lesson with a quiz: workers who passed every quiz placed in it.

    QuizOutcome holds one row per worker and quiz, so for a lesson with one quiz
    (nearly all) the count of its passed outcomes is the answer; only lessons
    with several quizzes group per worker (two levels the ORM cannot nest).
    """
    from quizzes.models import QuizOutcome, QuizPlacement

    people_sql, people_params = people
    quizzes = defaultdict(set)
    for lesson_id, quiz_id in QuizPlacement.objects.filter(
        lesson_id__in=lesson_ids
    ).values_list("lesson_id", "quiz_id"):
        quizzes[lesson_id].add(quiz_id)
    if not quizzes:
        return {}
    outcome = QuizOutcome._meta.db_table
    out = {lesson_id: 0 for lesson_id in quizzes}
    single = [(lesson, next(iter(q))) for lesson, q in quizzes.items() if len(q) == 1]
    placed_columns = [("lesson_id", "integer"), ("quiz_id", "bigint")]
    if single:
        table, table_params = literal_table("s", placed_columns, single)
        out.update(
            _rows(
                f"""
                SELECT s.lesson_id, COUNT(*)
                FROM {outcome} o
                JOIN {table} ON s.quiz_id = o.quiz_id
                WHERE o.passed AND o.user_id IN ({people_sql})
                GROUP BY s.lesson_id
                """,
                [*table_params, *people_params],
            )
        )
    several = [(lesson, q) for lesson, qs in quizzes.items() if len(qs) > 1 for q in qs]
    if several:
        table, table_params = literal_table("s", placed_columns, several)
        out.update(
            _rows(
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
                SELECT q.lesson_id, COUNT(w.user_id)
                FROM needed q
                LEFT JOIN passed w ON w.lesson_id = q.lesson_id AND w.n = q.n
                GROUP BY q.lesson_id
                """,
                [*table_params, *people_params],
            )
        )
    return out


# (b) Where viewers stop: share still watching per 5-second bucket.


@dataclass(frozen=True)
class Bucket:
    start: float
    end: float
    watching: int
    share: float | None


@dataclass(frozen=True)
class Retention:
    block_id: str
    title: str
    span: tuple[float, float]
    viewers: int
    buckets: list[Bucket]


def _overlap(intervals, start: float, end: float) -> float:
    return sum(max(0.0, min(b, end) - max(a, start)) for a, b in intervals)


def video_retention(*, viewer, lesson: LessonPage) -> list[Retention]:
    """Per video block of the lesson: viewers and who is still watching where.

    Viewers are workers with any watched interval of the video; a viewer counts
    as watching a bucket when their stored intervals (the union of the credited
    played intervals, LessonProgress.coverage) cover at least half of it.
    """
    facts = lesson_facts(lesson)
    titles = {
        block.id: getattr(block.value.get("video"), "title", "")
        for block in lesson.script
        if block.block_type == "video"
    }
    coverage = list(
        LessonProgress.objects.filter(
            lesson=lesson, user__in=aggregate_people_for(viewer)
        ).values_list("coverage", flat=True)
    )
    out = []
    for block_id, (lo, hi) in facts.videos.items():
        watched = [c[block_id] for c in coverage if c and c.get(block_id)]
        count = math.ceil((hi - lo) / BUCKET_SECONDS - 1e-9)
        buckets = []
        for i in range(count):
            start = lo + i * BUCKET_SECONDS
            end = min(hi, start + BUCKET_SECONDS)
            need = (end - start) / 2
            n = sum(1 for w in watched if _overlap(w, start, end) >= need - 1e-9)
            buckets.append(Bucket(start, end, n, _ratio(n, len(watched))))
        out.append(
            Retention(
                block_id=block_id,
                title=titles.get(block_id, ""),
                span=(lo, hi),
                viewers=len(watched),
                buckets=buckets,
            )
        )
    return out


# (c) Decision-choice distributions: first choices, and re-choices apart.


@dataclass(frozen=True)
class OptionCount:
    index: int
    label: str
    rating: str
    first: int  # workers whose first (scored) choice this was
    share: float | None  # of the workers with a first choice
    later: int  # later choices (改选) of this option, every one counted


@dataclass(frozen=True)
class DecisionStats:
    block_id: str
    prompt: str
    choosers: int  # workers with a first choice
    rechoosers: int  # workers who chose again at least once
    options: list[OptionCount]


def decision_distributions(*, viewer, lesson: LessonPage) -> list[DecisionStats]:
    """Every decision of the lesson's script, in script order.

    Options stored with an index the script no longer has (the trainer removed
    them since) are listed after the current ones, without a label.
    """
    from lessons.blocks import Rating
    from lessons.models import DecisionChoice

    choices = DecisionChoice.objects.filter(
        lesson=lesson, user__in=aggregate_people_for(viewer)
    )
    counts = defaultdict(lambda: [0, 0])  # (decision, option) -> [first, later]
    for row in choices.values("decision_id", "option_index", "is_first").annotate(
        n=Count("pk")
    ):
        counts[(row["decision_id"], row["option_index"])][
            0 if row["is_first"] else 1
        ] = row["n"]
    people = {
        r["decision_id"]: r
        for r in choices.values("decision_id").annotate(
            first=Count("user", distinct=True, filter=Q(is_first=True)),
            again=Count("user", distinct=True, filter=Q(is_first=False)),
        )
    }
    labels = dict(Rating.choices)
    out = []
    for block in lesson.script:
        if block.block_type != "decision":
            continue
        options = list(block.value["options"])
        choosers = people.get(block.id, {}).get("first", 0)
        stored = {i for (d, i) in counts if d == block.id}
        rows = []
        for index in sorted(set(range(len(options))) | stored):
            first, later = counts.get((block.id, index), (0, 0))
            known = index < len(options)
            rating = options[index]["rating"] if known else ""
            rows.append(
                OptionCount(
                    index=index,
                    label=options[index]["label"] if known else "",
                    rating=str(labels.get(rating, "")),
                    first=first,
                    share=_ratio(first, choosers),
                    later=later,
                )
            )
        out.append(
            DecisionStats(
                block_id=block.id,
                prompt=block.value["prompt"],
                choosers=choosers,
                rechoosers=people.get(block.id, {}).get("again", 0),
                options=rows,
            )
        )
    return out


# (d) The lesson's quizzes, for the link to their item analysis.


def lesson_quiz_rows(*, viewer, lesson: LessonPage) -> list[dict]:
    """Quizzes placed in the lesson with workers, first-attempt mean and passes."""
    from quizzes.models import Quiz, QuizOutcome

    quizzes = list(
        Quiz.objects.filter(placements__lesson=lesson).distinct().order_by("title")
    )
    figures = {
        r["quiz_id"]: r
        for r in QuizOutcome.objects.filter(
            quiz__in=quizzes,
            user__in=aggregate_people_for(viewer),
            first_score__isnull=False,
        )
        .values("quiz_id")
        .annotate(
            workers=Count("user", distinct=True),
            first_score=Avg("first_score"),
            passed=Count("pk", filter=Q(passed=True)),
        )
    }
    return [
        {
            "quiz_id": quiz.pk,
            "quiz": quiz.title,
            "workers": figures.get(quiz.pk, {}).get("workers", 0),
            "first_score": figures.get(quiz.pk, {}).get("first_score"),
            "passed": figures.get(quiz.pk, {}).get("passed", 0),
        }
        for quiz in quizzes
    ]


# (e) Outcomes by instructor type (师资多元化).

NO_TYPE = ""


@dataclass
class TypeOutcome:
    type: str  # an Instructor.Type value, or NO_TYPE
    lessons: int = 0
    opened: int = 0  # worker-lesson pairs
    completed: int = 0
    completion_workers: int = 0
    score: float | None = None  # mean first-attempt score of lesson quizzes
    score_workers: int = 0
    gain: float | None = None  # mean normalised pre/post gain
    gain_workers: int = 0

    @property
    def completion_rate(self) -> float | None:
        return _ratio(self.completed, self.opened)

    @property
    def smallest_n(self) -> int:
        return min(self.completion_workers, self.score_workers, self.gain_workers)


def instructor_types_of(
    lessons: list[LessonRef],
) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """(lessons, courses) by instructor type.

    A lesson counts for the types of its own instructors (none: NO_TYPE); a
    course, whose pre/post test measures the whole course, for the types of its
    own instructors and of its lessons'.
    """
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


def instructor_type_outcomes(*, viewer, lessons: list[LessonRef]) -> list[TypeOutcome]:
    """One row per instructor type that has live lessons, in the type's order.

    - completion: completed / opened worker-lesson pairs of the type's lessons;
      its N is the workers who opened one of them;
    - score: mean first-attempt score (0-100) over worker-quiz pairs of the
      lesson quizzes placed in the type's lessons; N the workers with one;
    - gain: mean normalised gain (post − pre) / (100 − pre) of the first
      attempts (quizzes.grading.normalised_gain, in SQL: undefined when pre is
      100), over worker-course pairs of the courses with a pre-test and a
      post-test that count for the type; N the workers with one.

    Three queries over (id, type) pairs passed in as arrays, each grouping by
    type and worker first: a hash aggregate of workers x types instead of the
    sort of every row that COUNT(DISTINCT) needs.
    """
    from quizzes.models import Quiz, QuizOutcome, QuizPlacement

    people_sql, people_params = _people_sql(aggregate_people_for(viewer))
    lessons_of, courses_of = instructor_types_of(lessons)
    order = [kind for kind, _ in Instructor.Type.choices] + [NO_TYPE]
    kinds = [kind for kind in order if lessons_of.get(kind)]
    if not kinds:
        return []
    rows = {
        kind: TypeOutcome(type=kind, lessons=len(lessons_of[kind])) for kind in kinds
    }

    def pairs(groups: dict[str, set[int]]) -> list[tuple[int, str]]:
        return [(pk, kind) for kind in kinds for pk in sorted(groups.get(kind, ()))]

    progress = LessonProgress._meta.db_table
    table, table_params = literal_table(
        "t", [("lesson_id", "integer"), ("kind", "text")], pairs(lessons_of)
    )
    for kind, opened, completed, workers in _rows(
        f"""
        SELECT kind, CAST(SUM(opened) AS BIGINT), CAST(SUM(completed) AS BIGINT),
               COUNT(*) FROM (
            SELECT t.kind, p.user_id, COUNT(*) AS opened,
                   COUNT(*) FILTER (WHERE p.status = %s) AS completed
            FROM {progress} p
            JOIN {table} ON t.lesson_id = p.lesson_id
            WHERE p.user_id IN ({people_sql})
            GROUP BY t.kind, p.user_id
        ) per_worker
        GROUP BY kind
        """,
        [LessonProgress.Status.COMPLETED, *table_params, *people_params],
    ):
        rows[kind].opened = opened
        rows[kind].completed = completed
        rows[kind].completion_workers = workers

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
    outcome = QuizOutcome._meta.db_table
    table, table_params = literal_table(
        "t", [("quiz_id", "bigint"), ("kind", "text")], pairs(quizzes_of)
    )
    for kind, score, workers in _rows(
        f"""
        SELECT kind, CAST(SUM(total) AS DOUBLE PRECISION) / SUM(n), COUNT(*) FROM (
            SELECT t.kind, o.user_id, SUM(o.first_score) AS total, COUNT(*) AS n
            FROM {outcome} o
            JOIN {table} ON t.quiz_id = o.quiz_id
            WHERE o.first_score IS NOT NULL AND o.user_id IN ({people_sql})
            GROUP BY t.kind, o.user_id
        ) per_worker
        GROUP BY kind
        """,
        [*table_params, *people_params],
    ):
        rows[kind].score = score
        rows[kind].score_workers = workers

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
    kinds_table, kinds_params = literal_table(
        "k",
        [("course_id", "integer"), ("kind", "text")],
        pairs({k: {c for c in courses_of.get(k, ()) if c in tested} for k in kinds}),
    )
    tests_table, tests_params = literal_table(
        "t",
        [("course_id", "integer"), ("pre_id", "bigint"), ("post_id", "bigint")],
        [(course, pre, post) for course, (pre, post) in tested.items()],
    )
    for kind, gain, workers in _rows(
        f"""
        WITH tests AS (
            SELECT * FROM {tests_table}
        ), gains AS (
            SELECT t.course_id, pre.user_id,
                   (post.first_score - pre.first_score)
                   / (100.0 - pre.first_score) AS gain
            FROM tests t
            JOIN {outcome} pre ON pre.quiz_id = t.pre_id
            JOIN {outcome} post
              ON post.quiz_id = t.post_id AND post.user_id = pre.user_id
            WHERE pre.first_score < 100 AND post.first_score IS NOT NULL
              AND pre.user_id IN ({people_sql})
        )
        SELECT kind, CAST(SUM(total) AS DOUBLE PRECISION) / SUM(n), COUNT(*) FROM (
            SELECT k.kind, g.user_id, SUM(g.gain) AS total, COUNT(*) AS n
            FROM gains g
            JOIN {kinds_table} ON k.course_id = g.course_id
            GROUP BY k.kind, g.user_id
        ) per_worker
        GROUP BY kind
        """,
        [*tests_params, *people_params, *kinds_params],
    ):
        rows[kind].gain = gain
        rows[kind].gain_workers = workers
    return [rows[kind] for kind in kinds]


def type_label(kind: str) -> str:
    from django.utils.translation import gettext

    if kind == NO_TYPE:
        return gettext("未注明讲师")
    return str(Instructor.Type(kind).label)
