"""Assignments (内容精准化): who must learn what by when, and how far each worker is.

Targets are evaluated when asked, never copied per worker: a worker who joins a
unit later gets its open assignments, and one who moves keeps every completed
lesson (completion lives on LessonProgress, not on the assignment).

A yearly assignment is due on its date every year; a cycle counts the lessons
completed after the previous due date. A missed cycle stays overdue until the
lessons are done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models import OrgUnit
from cms.roles import is_supervisor, is_trainer
from cms.scoping import org_units_for, people_for, supervised_root
from progress.models import Assignment, LessonProgress
from progress.services.ledger import local_day


def due_soon_days() -> int:
    return int(getattr(settings, "PROGRESS_DUE_SOON_DAYS", 7))


class State:
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    OPEN = "open"
    DONE = "done"


STATE_ORDER = {State.OVERDUE: 0, State.DUE_SOON: 1, State.OPEN: 2, State.DONE: 3}


@dataclass(frozen=True)
class WorkItem:
    """One worker's standing on one assignment in its current cycle."""

    assignment: Assignment
    due: date
    lesson_ids: tuple[int, ...]
    done_ids: frozenset[int]
    state: str
    days_left: int

    @property
    def total(self) -> int:
        return len(self.lesson_ids)

    @property
    def done(self) -> int:
        return len(self.done_ids)

    @property
    def next_lesson_id(self) -> int | None:
        return next((pk for pk in self.lesson_ids if pk not in self.done_ids), None)


def today_local() -> date:
    return local_day(timezone.now())


# --- writing -------------------------------------------------------------------


def _check_content_and_positions(*, course, lessons, positions) -> None:
    from cms.models import Profile

    bad_positions = set(positions) - set(Profile.Position.values)
    if bad_positions:
        raise ValidationError(_("未知岗位：%s") % "、".join(sorted(bad_positions)))
    if course is None and not list(lessons):
        raise ValidationError(_("请选择课程或微课。"))


def assignment_create(
    *,
    creator,
    title: str,
    due_date: date,
    course=None,
    lessons=(),
    org_units=(),
    positions=(),
    recurs_yearly: bool = False,
) -> Assignment:
    """A trainer (any unit) or supervisor (inside their subtree) assigns content.

    A supervisor who names no unit assigns to their own subtree.
    """

    if not (creator.is_superuser or is_trainer(creator) or is_supervisor(creator)):
        raise PermissionDenied
    units = _allowed_units(actor=creator, org_units=org_units)
    _check_content_and_positions(course=course, lessons=lessons, positions=positions)
    with transaction.atomic():
        assignment = Assignment.objects.create(
            title=title,
            course=course,
            due_date=due_date,
            recurs_yearly=recurs_yearly,
            positions=list(positions),
            created_by=creator,
        )
        assignment.lessons.set(list(lessons))
        assignment.org_units.set(units)
    return assignment


def _allowed_units(*, actor, org_units) -> list:
    """The units an assignment by `actor` may target (PermissionDenied otherwise).

    Trainers and superusers: any (none = every unit). Supervisors: units inside
    their subtree; none means their whole subtree.
    """
    units = list(org_units)
    if actor.is_superuser or is_trainer(actor):
        return units
    if not is_supervisor(actor):
        raise PermissionDenied
    allowed = set(org_units_for(actor).values_list("pk", flat=True))
    root = supervised_root(actor)
    if not units and root:
        units = [root]
    if not units or any(unit.pk not in allowed for unit in units):
        raise PermissionDenied
    return units


def assignment_update(
    *,
    editor,
    assignment: Assignment,
    title: str,
    due_date: date,
    course=None,
    lessons=(),
    org_units=(),
    positions=(),
    recurs_yearly: bool = False,
    closed: bool = False,
) -> Assignment:
    """Change an assignment the editor may edit (progress.selectors), same rules
    as assignment_create for the new targets."""
    from progress.selectors import assignments_editable_by

    if not assignments_editable_by(viewer=editor).filter(pk=assignment.pk).exists():
        raise PermissionDenied
    units = _allowed_units(actor=editor, org_units=org_units)
    _check_content_and_positions(course=course, lessons=lessons, positions=positions)
    with transaction.atomic():
        assignment.title = title
        assignment.course = course
        assignment.due_date = due_date
        assignment.recurs_yearly = recurs_yearly
        assignment.positions = list(positions)
        assignment.closed = closed
        assignment.save()
        assignment.lessons.set(list(lessons))
        assignment.org_units.set(units)
    return assignment


def assignment_close(*, editor, assignment: Assignment) -> Assignment:
    """Close it: workers no longer see it or get reminders; progress stays."""
    from progress.selectors import assignments_editable_by

    if not assignments_editable_by(viewer=editor).filter(pk=assignment.pk).exists():
        raise PermissionDenied
    Assignment.objects.filter(pk=assignment.pk).update(closed=True)
    assignment.closed = True
    return assignment


# --- reading -------------------------------------------------------------------


def assignment_lesson_ids(assignment: Assignment) -> tuple[int, ...]:
    """The live lessons it asks for: the course's (tree order), then the lessons."""
    from lessons.models import LessonPage

    ids: list[int] = []
    if assignment.course_id:
        ids += list(
            LessonPage.objects.live()
            .public()
            .child_of(assignment.course)
            .order_by("path")
            .values_list("pk", flat=True)
        )
    extra = (
        assignment.lessons.live().public().order_by("path").values_list("pk", flat=True)
    )
    ids += [pk for pk in extra if pk not in ids]
    return tuple(ids)


def assignments_lesson_ids(assignments) -> dict[int, tuple[int, ...]]:
    """assignment_lesson_ids for many assignments in two queries (not two each).

    The same order: each course's live lessons in tree order, then the
    assignment's own lessons not already in it.
    """
    from lessons.models import LessonPage

    assignments = list(assignments)
    if not assignments:
        return {}
    courses = {a.course_id for a in assignments if a.course_id}
    by_course: dict[int, list[int]] = {pk: [] for pk in courses}
    if courses:
        from wagtail.models import Page

        paths = dict(Page.objects.filter(pk__in=courses).values_list("path", "pk"))
        step = LessonPage.steplen
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(path__startswith=path, depth=len(path) // step + 1)
        for pk, path in (
            LessonPage.objects.live()
            .public()
            .filter(condition)
            .order_by("path")
            .values_list("pk", "path")
        ):
            by_course[paths[path[:-step]]].append(pk)
    through = Assignment.lessons.through
    live = LessonPage.objects.live().public()
    extra: dict[int, list[int]] = {}
    for assignment_id, lesson_id in (
        through.objects.filter(
            assignment_id__in=[a.pk for a in assignments], lessonpage__in=live
        )
        .order_by("lessonpage__path")
        .values_list("assignment_id", "lessonpage_id")
    ):
        extra.setdefault(assignment_id, []).append(lesson_id)
    out = {}
    for a in assignments:
        ids = list(by_course.get(a.course_id, [])) if a.course_id else []
        ids += [pk for pk in extra.get(a.pk, []) if pk not in ids]
        out[a.pk] = tuple(ids)
    return out


def _target_condition(assignment: Assignment, prefix: str = "profile__") -> Q:
    condition = Q()
    units = list(assignment.org_units.all())
    if units:
        unit_q = Q(pk__in=[])
        for unit in units:
            unit_q |= Q(**{f"{prefix}org_unit__path__startswith": unit.path})
        condition &= unit_q
    if assignment.positions:
        condition &= Q(**{f"{prefix}position__in": assignment.positions})
    return condition


def assignment_targets(assignment: Assignment) -> QuerySet:
    """Active users the assignment is for (their profile's unit and position now)."""
    User = get_user_model()
    return User.objects.filter(
        _target_condition(assignment), is_active=True, profile__isnull=False
    )


def assignments_for_worker(user) -> QuerySet[Assignment]:
    """Open assignments whose units contain the worker's unit and fit their position."""
    from cms.models import Profile

    try:
        profile = user.profile
    except Profile.DoesNotExist:
        return Assignment.objects.none()
    unit = profile.org_unit
    step = OrgUnit.steplen
    ancestors = [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]
    by_unit = Q(org_units__isnull=True) | Q(org_units__path__in=ancestors)
    # In Python, not a JSON containment lookup, which SQLite (the embedded run)
    # lacks; the open assignments that name positions are few.
    fitting = [
        pk
        for pk, positions in Assignment.objects.filter(closed=False)
        .exclude(positions=[])
        .values_list("pk", "positions")
        if profile.position in positions
    ]
    by_position = Q(positions=[]) | Q(pk__in=fitting)
    return (
        Assignment.objects.filter(closed=False)
        .filter(by_unit)
        .filter(by_position)
        .distinct()
    )


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _cycle(assignment: Assignment, today: date) -> list[tuple[date, date | None]]:
    """Candidate (due, window start) pairs: the missed previous cycle, then this one."""
    if not assignment.recurs_yearly or assignment.due_date >= today:
        return [(assignment.due_date, None)]
    k = today.year - assignment.due_date.year
    nxt = _add_years(assignment.due_date, k)
    if nxt < today:
        k += 1
        nxt = _add_years(assignment.due_date, k)
    prev = _add_years(assignment.due_date, k - 1)
    before_prev = _add_years(assignment.due_date, k - 2) if k >= 2 else None
    return [(prev, before_prev), (nxt, prev)]


def work_item(
    *,
    assignment: Assignment,
    lesson_ids: tuple[int, ...],
    completed: dict[int, datetime],
    today: date,
) -> WorkItem:
    """One worker's standing on an assignment from their completion times.

    Pure (no query): callers that judge many workers or assignments fetch the
    lesson ids and completion times in bulk and call this per pair.
    """

    def done_after(start: date | None) -> frozenset[int]:
        return frozenset(
            pk
            for pk in lesson_ids
            if pk in completed and (start is None or local_day(completed[pk]) > start)
        )

    cycles = _cycle(assignment, today)
    due, start = cycles[-1]
    if len(cycles) == 2:
        prev_due, prev_start = cycles[0]
        in_prev = done_after(prev_start)
        since_prev = done_after(prev_due)
        if len(in_prev) < len(lesson_ids) and len(since_prev) < len(lesson_ids):
            due, start = prev_due, prev_start  # the missed cycle is still open
    done_ids = done_after(start)
    days_left = (due - today).days
    if lesson_ids and len(done_ids) >= len(lesson_ids):
        state = State.DONE
    elif days_left < 0:
        state = State.OVERDUE
    elif days_left <= due_soon_days():
        state = State.DUE_SOON
    else:
        state = State.OPEN
    return WorkItem(
        assignment=assignment,
        due=due,
        lesson_ids=lesson_ids,
        done_ids=done_ids,
        state=state,
        days_left=days_left,
    )


def _completed_at(user_ids, lesson_ids) -> dict[int, dict[int, datetime]]:
    out: dict[int, dict[int, datetime]] = {}
    rows = LessonProgress.objects.filter(
        user_id__in=list(user_ids),
        lesson_id__in=list(lesson_ids),
        status=LessonProgress.Status.COMPLETED,
    ).values_list("user_id", "lesson_id", "completed_at")
    for user_id, lesson_id, completed_at in rows:
        out.setdefault(user_id, {})[lesson_id] = completed_at
    return out


def worker_work_items(*, user, today: date | None = None) -> list[WorkItem]:
    """The worker's own assignments, overdue first, then due soon, open, done."""
    today = today or today_local()
    assignments = list(assignments_for_worker(user))
    lesson_ids = assignments_lesson_ids(assignments)
    every_lesson = {pk for ids in lesson_ids.values() for pk in ids}
    completed = _completed_at([user.pk], every_lesson).get(user.pk, {})
    items = [
        work_item(
            assignment=a, lesson_ids=lesson_ids[a.pk], completed=completed, today=today
        )
        for a in assignments
        if lesson_ids[a.pk]
    ]
    return sorted(items, key=lambda i: (STATE_ORDER[i.state], i.due, i.assignment.pk))


def assignment_worker_items(
    *, viewer, assignment: Assignment, today: date | None = None
) -> dict[int, WorkItem]:
    """Each targeted worker in the viewer's scope (user id -> WorkItem), in bulk.

    For dashboards and urges: the viewer's scope comes from cms.scoping.
    """
    today = today or today_local()
    users = list(
        assignment_targets(assignment)
        .filter(pk__in=people_for(viewer).values("pk"))
        .values_list("pk", flat=True)
    )
    lesson_ids = assignment_lesson_ids(assignment)
    completed = _completed_at(users, lesson_ids)
    return {
        user_id: work_item(
            assignment=assignment,
            lesson_ids=lesson_ids,
            completed=completed.get(user_id, {}),
            today=today,
        )
        for user_id in users
    }


def overdue_workers(*, viewer, assignment: Assignment | None = None, today=None):
    """Users in the viewer's scope (not the viewer) with overdue work: {id: [items]}."""
    today = today or today_local()
    assignments = (
        [assignment] if assignment else list(Assignment.objects.filter(closed=False))
    )
    out: dict[int, list[WorkItem]] = {}
    for one in assignments:
        for user_id, item in assignment_worker_items(
            viewer=viewer, assignment=one, today=today
        ).items():
            if item.state == State.OVERDUE and user_id != viewer.pk:
                out.setdefault(user_id, []).append(item)
    return out
