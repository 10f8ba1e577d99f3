"""Figures computed straight from the raw rows, per worker (the source of truth).

dashboards.services.stats stores these per worker and folds them into the unit
tables; the tests compare the stored figures with these and with their own
hand computation.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from cms.roles import LEARNERS
from dashboards.periods import week_start

WEEK_FIELDS = (
    "learning_seconds",
    "completions",
    "quiz_attempts",
    "quiz_score_sum",
    "quiz_passed",
)


@dataclass
class RawWorker:
    user_id: int
    org_unit_id: int
    path: str
    assigned: int = 0
    completed: int = 0
    overdue: int = 0
    last_active_at: dt.datetime | None = None
    learning_seconds: int = 0
    quiz_attempts: int = 0
    quiz_score_sum: float = 0.0
    quiz_passed: int = 0
    gain_sum: float = 0.0
    gain_count: int = 0
    # week (a Monday) -> {field: value} for WEEK_FIELDS
    weeks: dict[dt.date, dict] = field(default_factory=dict)
    # lesson id -> (assigned, started, completed)
    lessons: dict[int, tuple[bool, bool, bool]] = field(default_factory=dict)


def workers_qs():
    """Who counts as a worker: an active learner with a profile (an org unit)."""
    return get_user_model().objects.filter(
        is_active=True, groups__name=LEARNERS, profile__isnull=False
    )


def raw_workers(user_ids, *, now: dt.datetime | None = None) -> dict[int, RawWorker]:
    """The figures of those of user_ids who are workers, from raw rows."""
    rows = (
        workers_qs()
        .filter(pk__in=list(user_ids))
        .values_list("pk", "profile__org_unit_id", "profile__org_unit__path")
    )
    workers = {pk: RawWorker(pk, unit_id, path) for pk, unit_id, path in rows}
    if workers:
        fill_activity(workers, now=now)
    return workers


def _week(moment: dt.datetime) -> dt.date:
    from progress.services.ledger import local_day

    return week_start(local_day(moment))


def _week_row(worker: RawWorker, week: dt.date) -> dict:
    return worker.weeks.setdefault(week, dict.fromkeys(WEEK_FIELDS, 0))


def fill_activity(workers: dict[int, RawWorker], *, now=None) -> None:
    """Assignments, progress, the 学时 ledger and quiz figures of these workers.

    - assigned: distinct live lessons of the open assignments that target the
      worker now; completed: those done in the assignment's current cycle;
      overdue: those not done in an overdue assignment (progress's own rules,
      progress.services.assignments);
    - learning seconds: the 学时 ledger (watched + read), per Asia/Shanghai week;
    - completions: lessons completed (completed_at) per week;
    - quiz: submitted attempts (score 0-100, passed) per week of submission;
    - gain: per course with a pre-test and a post-test, the normalised gain of
      the first attempts of both (undefined, left out, when pre is 100);
    - last active: the latest progress activity or quiz submission.
    """
    from django.utils import timezone

    from progress.models import Assignment, DailyLearning, LessonProgress
    from progress.selectors import work_item
    from progress.services.assignments import (
        State,
        assignment_lesson_ids,
        assignment_targets,
    )
    from progress.services.ledger import local_day
    from quizzes.grading import normalised_gain
    from quizzes.models import Quiz, QuizAttempt, QuizOutcome

    ids = list(workers)
    today = local_day(now or timezone.now())

    progress = defaultdict(dict)  # user -> lesson -> (completed, completed_at)
    for user_id, lesson_id, status, completed_at, last in LessonProgress.objects.filter(
        user_id__in=ids
    ).values_list("user_id", "lesson_id", "status", "completed_at", "last_activity_at"):
        done = status == LessonProgress.Status.COMPLETED
        progress[user_id][lesson_id] = (done, completed_at)
        worker = workers[user_id]
        if last and (worker.last_active_at is None or last > worker.last_active_at):
            worker.last_active_at = last
        if done and completed_at:
            _week_row(worker, _week(completed_at))["completions"] += 1

    assigned = defaultdict(set)
    done_in_cycle = defaultdict(set)
    overdue = defaultdict(set)
    for assignment in Assignment.objects.filter(closed=False).prefetch_related(
        "org_units"
    ):
        targets = list(
            assignment_targets(assignment)
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        if not targets:
            continue
        lesson_ids = assignment_lesson_ids(assignment)
        if not lesson_ids:
            continue
        for user_id in targets:
            completed = {
                lesson: at
                for lesson, (done, at) in progress[user_id].items()
                if done and at
            }
            item = work_item(
                assignment=assignment,
                lesson_ids=lesson_ids,
                completed=completed,
                today=today,
            )
            assigned[user_id] |= set(lesson_ids)
            done_in_cycle[user_id] |= set(item.done_ids)
            if item.state == State.OVERDUE:
                overdue[user_id] |= set(lesson_ids) - set(item.done_ids)

    for user_id, worker in workers.items():
        mine = assigned[user_id]
        worker.assigned = len(mine)
        worker.completed = len(done_in_cycle[user_id] & mine)
        worker.overdue = len(overdue[user_id] - done_in_cycle[user_id])
        lessons = {}
        for lesson_id in mine | set(progress[user_id]):
            done = progress[user_id].get(lesson_id, (False, None))[0]
            lessons[lesson_id] = (
                lesson_id in mine,
                lesson_id in progress[user_id],
                done,
            )
        worker.lessons = lessons

    for user_id, day, watched, read in DailyLearning.objects.filter(
        user_id__in=ids
    ).values_list("user_id", "day", "watched_seconds", "read_seconds"):
        seconds = round(watched + read)
        worker = workers[user_id]
        worker.learning_seconds += seconds
        _week_row(worker, week_start(day))["learning_seconds"] += seconds

    for user_id, submitted_at, score, passed in QuizAttempt.objects.filter(
        user_id__in=ids, status=QuizAttempt.Status.SUBMITTED, score__isnull=False
    ).values_list("user_id", "submitted_at", "score", "passed"):
        worker = workers[user_id]
        worker.quiz_attempts += 1
        worker.quiz_score_sum += score
        worker.quiz_passed += bool(passed)
        if submitted_at:
            row = _week_row(worker, _week(submitted_at))
            row["quiz_attempts"] += 1
            row["quiz_score_sum"] += score
            row["quiz_passed"] += bool(passed)
            if worker.last_active_at is None or submitted_at > worker.last_active_at:
                worker.last_active_at = submitted_at

    tests = defaultdict(dict)  # course -> kind -> first quiz id
    for pk, course_id, kind in (
        Quiz.objects.filter(
            kind__in=[Quiz.Kind.PRE_TEST, Quiz.Kind.POST_TEST], course__isnull=False
        )
        .order_by("pk")
        .values_list("pk", "course_id", "kind")
    ):
        tests[course_id].setdefault(kind, pk)
    pairs = {
        course: (kinds[Quiz.Kind.PRE_TEST], kinds[Quiz.Kind.POST_TEST])
        for course, kinds in tests.items()
        if len(kinds) == 2
    }
    quiz_ids = [pk for pair in pairs.values() for pk in pair]
    first = {
        (user_id, quiz_id): score
        for user_id, quiz_id, score in QuizOutcome.objects.filter(
            user_id__in=ids, quiz_id__in=quiz_ids, first_score__isnull=False
        ).values_list("user_id", "quiz_id", "first_score")
    }
    for user_id, worker in workers.items():
        for pre_id, post_id in pairs.values():
            gain = normalised_gain(
                first.get((user_id, pre_id)), first.get((user_id, post_id))
            )
            if gain is not None:
                worker.gain_sum += gain
                worker.gain_count += 1
