"""Reads behind the learner's pages: own progress, the feed's sections, the end card,
habit (streak, weekly goal) and the 学时 ledger; each takes the viewer.

Learners only ever read their own rows here; supervisors' reads start from
cms.scoping (learning_ledger_for and the worker_* reads behind the dashboards'
worker page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import F, Max, Q, QuerySet, Sum
from django.utils import timezone

from cms.models import OrgUnit
from cms.roles import is_trainer
from cms.scoping import people_for, supervised_root
from progress.models import Assignment, DailyLearning, Habit, LessonProgress
from progress.services.assignments import (
    WorkItem,
    today_local,
    worker_work_items,
)
from progress.services.assignments import (
    # Public for dashboards, which judge many workers from rows fetched in bulk.
    work_item as work_item,
)

FEED_CONTINUE_LIMIT = 5
FEED_DUE_LIMIT = 5


def lesson_progress_for(*, viewer, lesson) -> LessonProgress | None:
    if not viewer.is_authenticated:
        return None
    return LessonProgress.objects.filter(user=viewer, lesson_id=lesson.pk).first()


def progress_by_lesson(*, viewer, lesson_ids) -> dict[int, LessonProgress]:
    if not viewer.is_authenticated:
        return {}
    return {
        row.lesson_id: row
        for row in LessonProgress.objects.filter(
            user=viewer, lesson_id__in=list(lesson_ids)
        )
    }


@dataclass(frozen=True)
class ContinueEntry:
    lesson: object
    progress: LessonProgress | None
    card: object | None = None  # lessons.selectors.LessonCard: its picture


@dataclass(frozen=True)
class HabitSummary:
    streak: int
    freeze_used_this_month: bool
    week_done: int
    weekly_goal: int
    learned_today: bool
    # The missed days the streak forgave (one a month), newest first.
    freeze_days: tuple[date, ...] = ()

    @property
    def week_goal_met(self) -> bool:
        return self.week_done >= self.weekly_goal


@dataclass(frozen=True)
class FeedProgress:
    due: list[WorkItem]
    continue_entries: list[ContinueEntry]
    unread: int
    habit: HabitSummary | None = None
    lessons: dict = field(default_factory=dict)


@dataclass(frozen=True)
class StreakRun:
    streak: int  # days learned in the run
    freeze_days: tuple[date, ...]  # missed days forgiven inside it, newest first
    freeze_used_this_month: bool


def streak_run(days: set[date], today: date) -> StreakRun:
    """Days in a row with learning up to today; one missed day a month is forgiven.

    Today not learned yet does not break the streak.
    """
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    frozen: list[date] = []
    frozen_months: set[tuple[int, int]] = set()
    while True:
        if day in days:
            streak += 1
        elif (
            (day.year, day.month) not in frozen_months
            and (day - timedelta(days=1)) in days
            and streak > 0
        ):
            frozen_months.add((day.year, day.month))
            frozen.append(day)
        else:
            break
        day -= timedelta(days=1)
    return StreakRun(
        streak=streak,
        freeze_days=tuple(frozen),
        freeze_used_this_month=(today.year, today.month) in frozen_months,
    )


def streak_days(days: set[date], today: date) -> tuple[int, bool]:
    """(streak, whether this month's freeze day is used): see streak_run."""
    run = streak_run(days, today)
    return run.streak, run.freeze_used_this_month


def habit_for(*, viewer, today: date | None = None) -> HabitSummary | None:
    if not viewer.is_authenticated:
        return None
    return _habit(user_id=viewer.pk, today=today or today_local())


def worker_habit_for(
    *, viewer, worker, today: date | None = None
) -> HabitSummary | None:
    """A worker's streak and weekly goal for someone who may see them (else None)."""
    if not people_for(viewer).filter(pk=worker.pk).exists():
        return None
    return _habit(user_id=worker.pk, today=today or today_local())


def _habit(*, user_id: int, today: date) -> HabitSummary:
    since = today - timedelta(days=400)
    rows = DailyLearning.objects.filter(user_id=user_id, day__gte=since).values_list(
        "day", "watched_seconds", "read_seconds"
    )
    days = {day for day, watched, read in rows if watched + read > 0}
    run = streak_run(days, today)
    week_start = today - timedelta(days=today.weekday())
    week_done = (
        DailyLearning.objects.filter(user_id=user_id, day__gte=week_start).aggregate(
            n=Sum("lessons_completed")
        )["n"]
        or 0
    )
    goal = (
        Habit.objects.filter(user_id=user_id)
        .values_list("weekly_goal", flat=True)
        .first()
        or Habit.DEFAULT_WEEKLY_GOAL
    )
    return HabitSummary(
        streak=run.streak,
        freeze_used_this_month=run.freeze_used_this_month,
        week_done=week_done,
        weekly_goal=goal,
        learned_today=today in days,
        freeze_days=run.freeze_days,
    )


def worker_assignment_items(
    *, viewer, worker, today: date | None = None
) -> list[WorkItem]:
    """A worker's assignments as they stand (worker_work_items), for someone who
    may see the worker; [] for anyone else. Bounded: a handful of queries
    whatever the number of assignments."""
    if not people_for(viewer).filter(pk=worker.pk).exists():
        return []
    return worker_work_items(user=worker, today=today)


def worker_lesson_progress(*, viewer, worker) -> QuerySet:
    """A worker's lesson rows as dicts (with the lesson's title and path), newest
    activity first.

    Values, not model rows: a worker has a row per lesson of the district, and
    building a LessonPage per row (its script, the page tree's fields) cost most
    of the supervisor's worker page.
    """
    return (
        LessonProgress.objects.filter(user__in=people_for(viewer), user=worker)
        .values(
            "lesson_id", "status", "percent", "watched_seconds", "learning_seconds",
            "first_activity_at", "last_activity_at", "completed_at",
            lesson_title=F("lesson__title"), lesson_path=F("lesson__path"),
        )
        .order_by("-last_activity_at", "lesson_id")
    )  # fmt: skip


def feed_progress(*, viewer, today: date | None = None) -> FeedProgress:
    """The home feed's own sections: due soon/overdue first, then continue."""
    from lessons.models import DecisionChoice, LessonPage
    from progress.services.reminders import notifications_for

    if not viewer.is_authenticated:
        return FeedProgress(due=[], continue_entries=[], unread=0)
    items = [
        item
        for item in worker_work_items(user=viewer, today=today)
        if item.state != "done"
    ][:FEED_DUE_LIMIT]
    rows = list(
        LessonProgress.objects.filter(
            user=viewer, status=LessonProgress.Status.STARTED
        ).order_by("-last_activity_at")[: FEED_CONTINUE_LIMIT * 2]
    )
    # A choice made without the page's script (no JavaScript) starts a lesson too.
    decided = (
        DecisionChoice.objects.filter(user=viewer)
        .exclude(lesson__progress_rows__user=viewer)
        .values("lesson_id")
        .annotate(at=Max("chosen_at"))
        .order_by("-at")[:FEED_CONTINUE_LIMIT]
    )
    recent = [(row.last_activity_at, row.lesson_id, row) for row in rows] + [
        (d["at"], d["lesson_id"], None) for d in decided
    ]
    recent.sort(key=lambda r: r[0] or timezone.now(), reverse=True)
    wanted = {lesson_id for _at, lesson_id, _row in recent} | {
        item.next_lesson_id for item in items if item.next_lesson_id
    }
    lessons = LessonPage.objects.live().public().in_bulk(list(wanted))
    entries = [
        ContinueEntry(lesson=lessons[lesson_id], progress=row)
        for _at, lesson_id, row in recent
        if lesson_id in lessons
    ][:FEED_CONTINUE_LIMIT]
    return FeedProgress(
        due=items,
        continue_entries=entries,
        unread=notifications_for(viewer=viewer).count(),
        habit=habit_for(viewer=viewer, today=today),
        lessons=lessons,
    )


@dataclass(frozen=True)
class EndCard:
    key_points: list[dict]
    practice: list[dict]
    practice_done: bool
    next_lesson: object | None
    course: object | None
    completed: bool


def lesson_end_card(*, viewer, lesson) -> EndCard:
    """The lesson's closing card: its key points and practice task, what's next."""
    from lessons.models import LessonPage

    key_points, practice = [], []
    for block in lesson.script:
        if block.block_type == "key_points":
            key_points.append(block.value)
        elif block.block_type == "practice":
            practice.append(block.value)
    row = lesson_progress_for(viewer=viewer, lesson=lesson)
    next_lesson = (
        LessonPage.objects.live()
        .public()
        .sibling_of(lesson, inclusive=False)
        .filter(path__gt=lesson.path)
        .order_by("path")
        .first()
    )
    parent = lesson.get_parent()
    return EndCard(
        key_points=key_points,
        practice=practice,
        practice_done=bool(row and row.practice_done_at),
        next_lesson=next_lesson,
        course=parent.specific if parent else None,
        completed=bool(row and row.is_completed),
    )


def learning_ledger_for(*, viewer, start: date, end: date) -> QuerySet[DailyLearning]:
    """学时 rows of the people the viewer may see, between two days (inclusive)."""
    return (
        DailyLearning.objects.filter(
            user__in=people_for(viewer), day__gte=start, day__lte=end
        )
        .select_related("user__profile__org_unit")
        .order_by("day", "user__profile__org_unit__path", "user__username")
    )


def own_ledger(*, viewer, days: int = 14) -> list[DailyLearning]:
    if not viewer.is_authenticated:
        return []
    since = today_local() - timedelta(days=days - 1)
    return list(
        DailyLearning.objects.filter(user=viewer, day__gte=since).order_by("-day")
    )


# --- assignments in the admin ------------------------------------------------------


def assignments_for(*, viewer) -> QuerySet[Assignment]:
    """Assignments the viewer may see in the admin.

    Trainers and superusers: all. A supervisor: those touching their subtree,
    i.e. for every unit, for a unit inside it, or for a unit above it (whose
    subtree holds theirs). Nobody else: none.
    """
    if not (viewer.is_authenticated and viewer.is_active):
        return Assignment.objects.none()
    if viewer.is_superuser or is_trainer(viewer):
        return Assignment.objects.all()
    root = supervised_root(viewer)
    if root is None:
        return Assignment.objects.none()
    step = OrgUnit.steplen
    above = [root.path[:end] for end in range(step, len(root.path), step)]
    touching = (
        Q(org_units__isnull=True)
        | Q(org_units__path__startswith=root.path)
        | Q(org_units__path__in=above)
    )
    return Assignment.objects.filter(
        pk__in=Assignment.objects.filter(touching).values("pk")
    )


def assignments_editable_by(*, viewer) -> QuerySet[Assignment]:
    """Those the viewer may edit and close: a supervisor only ones whose every
    unit is inside their subtree (not one set for the district above them)."""
    if not (viewer.is_authenticated and viewer.is_active):
        return Assignment.objects.none()
    if viewer.is_superuser or is_trainer(viewer):
        return Assignment.objects.all()
    root = supervised_root(viewer)
    if root is None:
        return Assignment.objects.none()
    outside = OrgUnit.objects.exclude(path__startswith=root.path)
    return Assignment.objects.filter(
        pk__in=Assignment.objects.filter(org_units__path__startswith=root.path)
        .exclude(org_units__in=outside)
        .values("pk")
    )
