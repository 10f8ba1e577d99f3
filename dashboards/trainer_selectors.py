"""Reads behind the trainers' pages (微课分析): aggregates only, never a name.

Every figure counts the workers cms.scoping.aggregate_people_for lets the viewer
see (trainers: everyone; supervisors: their subtree), and each comes with the
number of workers behind it, so a page can warn when that number is small.
Raw rows are read with a fixed number of GROUP BY queries, whatever the number
of lessons, videos or decisions; the lesson list's funnels and outcomes by
instructor type come from unit rows the stats refresh keeps, when current
(dashboards.trainer_figures).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db.models import Avg, Count, Q, Sum

from cms.scoping import aggregate_people_for
from dashboards import trainer_figures as figures
from lessons.models import CoursePage, Instructor, LessonPage
from progress.lesson_rules import _video_span, lesson_facts
from progress.models import LessonProgress

SMALL_N = 10
BUCKET_SECONDS = 5


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
    """The scoped people as a SQL subquery (for the set-based queries)."""
    try:
        sql, params = people.values("pk").query.sql_with_params()
    except EmptyResultSet:  # a viewer who may see nobody's learning
        return "SELECT CAST(NULL AS INTEGER) WHERE 1 = 0", ()
    return sql, tuple(params)


def _unit_sums(viewer, model, key: str, sums: tuple[str, ...]) -> dict:
    """key -> the sums of the stored unit rows of the units of the viewer's
    people (every person of those units: see dashboards.trainer_figures)."""
    units = aggregate_people_for(viewer).values("profile__org_unit")
    return {
        row[key]: [row[name] for name in sums]
        for row in model.objects.filter(org_unit__in=units)
        .values(key)
        .annotate(**{name: Sum(name) for name in sums})
    }


def _live_sums(rows: dict) -> dict:
    """The per-unit rows computed from raw rows, added up per lesson or type."""
    out = {}
    for (_, key), values in rows.items():
        if key in out:
            out[key] = [a + b for a, b in zip(out[key], values, strict=True)]
        else:
            out[key] = list(values)
    return out


def lesson_funnels(*, viewer, lessons: list[LessonRef]) -> dict[int, Funnel]:
    """Distinct workers per stage and lesson (lessons nobody opened: zeros);
    the stages are those of dashboards.trainer_figures.unit_funnel_rows.

    From the unit rows the stats refresh keeps when they are current for these
    lessons, else from the raw rows (a few queries whatever the number of
    lessons).
    """
    from dashboards.models import UnitLessonFunnel

    if not lessons:
        return {}
    plan = figures.funnel_plan(lessons)
    if figures.stored_mark_is_fresh(figures.FUNNEL, plan.signature):
        found = _unit_sums(viewer, UnitLessonFunnel, "lesson_id", figures.FUNNEL_SUMS)
    else:
        people = _people_sql(aggregate_people_for(viewer))
        found = _live_sums(figures.unit_funnel_rows(plan, people))
    out = {}
    for lesson in lessons:
        opened, half, completed, passed = found.get(lesson.pk, (0, 0, 0, 0))
        out[lesson.pk] = Funnel(
            opened=opened,
            half_watched=half if lesson.videos else None,
            completed=completed,
            quiz_passed=passed if lesson.pk in plan.quiz_lessons else None,
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

NO_TYPE = figures.NO_TYPE
instructor_types_of = figures.instructor_types_of


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


def instructor_type_outcomes(*, viewer, lessons: list[LessonRef]) -> list[TypeOutcome]:
    """One row per instructor type that has live lessons, in the type's order.

    - completion: completed / opened worker-lesson pairs of the type's lessons;
      its N is the workers who opened one of them;
    - score: mean first-attempt score (0-100) over worker-quiz pairs of the
      lesson quizzes placed in the type's lessons; N the workers with one;
    - gain: mean normalised gain (post − pre) / (100 − pre) of the first
      attempts, over worker-course pairs of the courses with a pre-test and a
      post-test that count for the type; N the workers with one.

    Sums from dashboards.trainer_figures.unit_type_rows: the stored unit rows
    when they are current for this content, else the raw rows.
    """
    from dashboards.models import UnitTypeOutcome

    plan, lesson_counts = figures.type_plan(lessons)
    if not plan.kinds:
        return []
    if figures.stored_mark_is_fresh(figures.TYPES, plan.signature):
        found = _unit_sums(viewer, UnitTypeOutcome, "kind", figures.TYPE_SUMS)
    else:
        people = _people_sql(aggregate_people_for(viewer))
        found = _live_sums(figures.unit_type_rows(plan, people))
    out = []
    for kind in plan.kinds:
        (
            opened,
            completed,
            completion_workers,
            score_sum,
            score_count,
            score_workers,
            gain_sum,
            gain_count,
            gain_workers,
        ) = found.get(kind, (0, 0, 0, 0.0, 0, 0, 0.0, 0, 0))
        out.append(
            TypeOutcome(
                type=kind,
                lessons=lesson_counts[kind],
                opened=opened,
                completed=completed,
                completion_workers=completion_workers,
                score=score_sum / score_count if score_count else None,
                score_workers=score_workers,
                gain=gain_sum / gain_count if gain_count else None,
                gain_workers=gain_workers,
            )
        )
    return out


def type_label(kind: str) -> str:
    from django.utils.translation import gettext

    if kind == NO_TYPE:
        return gettext("未注明讲师")
    return str(Instructor.Type(kind).label)
