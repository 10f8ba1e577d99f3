"""Reads behind the learning-data pages. Every one takes the viewer and a unit or
worker already fetched through cms.scoping (get_overseen_unit_or_404 /
get_overseen_worker_or_404), and reads only the pre-aggregated tables of
dashboards.models, so each page costs a few indexed queries at district scale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from cms.models import OrgUnit
from cms.scoping import overseen_units_for
from dashboards.models import UnitLessonStat, UnitWeekStat, WorkerStat, WorkerWeekStat
from dashboards.periods import Period

AT_RISK_INACTIVE_DAYS = 7
ACTIVE_DAYS = 7


def _ratio(numerator, denominator) -> float | None:
    return None if not denominator else numerator / denominator


@dataclass
class Figures:
    """The overview figures of one unit (or worker) over one period."""

    workers: int = 0
    assigned: int = 0
    completed: int = 0
    overdue: int = 0
    active_7d: int = 0
    learning_seconds: int = 0
    completions: int = 0
    quiz_attempts: int = 0
    quiz_score_sum: float = 0.0
    quiz_passed: int = 0
    gain_sum: float = 0.0
    gain_count: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def completion_rate(self) -> float | None:
        """Share of assigned lessons completed, 0..1."""
        return _ratio(self.completed, self.assigned)

    @property
    def learning_hours(self) -> float:
        return self.learning_seconds / 3600

    @property
    def average_score(self) -> float | None:
        return _ratio(self.quiz_score_sum, self.quiz_attempts)

    @property
    def pass_rate(self) -> float | None:
        return _ratio(self.quiz_passed, self.quiz_attempts)

    @property
    def gain(self) -> float | None:
        """Mean normalised pre/post gain over workers (and courses) with both."""
        return _ratio(self.gain_sum, self.gain_count)


_SNAPSHOT = dict(
    workers=Count("pk"),
    assigned=Sum("assigned"),
    completed=Sum("completed"),
    overdue=Sum("overdue"),
    gain_sum=Sum("gain_sum"),
    gain_count=Sum("gain_count"),
)
_PERIOD = dict(
    learning_seconds=Sum("learning_seconds"),
    completions=Sum("completions"),
    quiz_attempts=Sum("quiz_attempts"),
    quiz_score_sum=Sum("quiz_score_sum"),
    quiz_passed=Sum("quiz_passed"),
)


def _active_since(now=None):
    return (now or timezone.now()) - dt.timedelta(days=ACTIVE_DAYS)


def _fill(figures: Figures, values: dict) -> Figures:
    for key, value in values.items():
        if key in Figures.__dataclass_fields__ and value is not None:
            setattr(figures, key, value)
    return figures


def unit_overview(*, viewer, unit: OrgUnit, period: Period, now=None) -> Figures:
    """The overview of unit's subtree. unit must come from cms.scoping."""
    _check(viewer, unit)
    snapshot = WorkerStat.objects.filter(path__startswith=unit.path).aggregate(
        **_SNAPSHOT,
        active_7d=Count("pk", filter=Q(last_active_at__gte=_active_since(now))),
    )
    weekly = UnitWeekStat.objects.filter(
        org_unit=unit, week__gte=period.start, week__lte=period.end
    ).aggregate(**_PERIOD)
    return _fill(_fill(Figures(), snapshot), weekly)


def _check(viewer, unit: OrgUnit) -> None:
    # Selectors trust no caller: the unit must be in the viewer's scope. A page
    # reads several tables of one unit: the answer is kept on the viewer object,
    # which lives for one request, so the scope query runs once per page.
    checked = getattr(viewer, "_dashboards_units_in_scope", None)
    if checked is None:
        checked = set()
        viewer._dashboards_units_in_scope = checked
    if unit.pk in checked:
        return
    if not overseen_units_for(viewer).filter(pk=unit.pk).exists():
        from django.http import Http404

        raise Http404("No such org unit")
    checked.add(unit.pk)


@dataclass
class Row:
    """One line of the drill-down table: a child unit or a worker."""

    kind: str  # "unit", "direct" (people on the unit itself) or "worker"
    pk: int
    name: str
    figures: Figures
    level: str = ""
    unit_name: str = ""
    has_children: bool = False
    last_active_at: dt.datetime | None = None


def child_rows(*, viewer, unit: OrgUnit, period: Period, now=None) -> list[Row]:
    """The overview per child unit; for a unit with no children, per worker."""
    _check(viewer, unit)
    children = list(
        OrgUnit.objects.filter(
            path__startswith=unit.path, depth=unit.depth + 1
        ).order_by("name")
    )
    if not children:
        return worker_rows(viewer=viewer, unit=unit, period=period, now=now)
    length = len(children[0].path)
    snapshot = {
        r["prefix"]: r
        for r in WorkerStat.objects.filter(path__startswith=unit.path)
        .exclude(path=unit.path)
        .annotate(prefix=Substr("path", 1, length))
        .values("prefix")
        .annotate(
            **_SNAPSHOT,
            active_7d=Count("pk", filter=Q(last_active_at__gte=_active_since(now))),
        )
    }
    weekly = {
        r["org_unit"]: r
        for r in UnitWeekStat.objects.filter(
            org_unit__in=children, week__gte=period.start, week__lte=period.end
        )
        .values("org_unit")
        .annotate(**_PERIOD)
    }
    rows = []
    for child in children:
        figures = _fill(
            _fill(Figures(), snapshot.get(child.path, {})), weekly.get(child.pk, {})
        )
        rows.append(
            Row(
                kind="unit",
                pk=child.pk,
                name=child.name,
                level=child.get_level_display(),
                figures=figures,
                has_children=bool(child.numchild),
            )
        )
    # People on the unit itself (a street's own staff), after its children.
    rows.extend(
        worker_rows(viewer=viewer, unit=unit, period=period, now=now, direct_only=True)
    )
    return rows


def worker_rows(
    *, viewer, unit: OrgUnit, period: Period, now=None, direct_only: bool = True
) -> list[Row]:
    """One row per worker whose profile sits on unit itself."""
    _check(viewer, unit)
    since = _active_since(now)
    stats = list(
        WorkerStat.objects.filter(path=unit.path)
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
    weekly = {
        r["user"]: r
        for r in WorkerWeekStat.objects.filter(
            user__in=[s.user_id for s in stats],
            week__gte=period.start,
            week__lte=period.end,
        )
        .values("user")
        .annotate(**_PERIOD)
    }
    rows = []
    for stat in stats:
        figures = Figures(
            workers=1,
            assigned=stat.assigned,
            completed=stat.completed,
            overdue=stat.overdue,
            active_7d=int(bool(stat.last_active_at and stat.last_active_at >= since)),
            gain_sum=stat.gain_sum,
            gain_count=stat.gain_count,
        )
        _fill(figures, weekly.get(stat.user_id, {}))
        rows.append(
            Row(
                kind="worker",
                pk=stat.user_id,
                name=stat.user.get_full_name() or stat.user.get_username(),
                figures=figures,
                unit_name=unit.name,
                last_active_at=stat.last_active_at,
            )
        )
    return rows


def weekly_trend(*, viewer, unit: OrgUnit, period: Period) -> list[dict]:
    """One row per week of the period (weeks without activity as zeros)."""
    _check(viewer, unit)
    found = {
        r.week: r
        for r in UnitWeekStat.objects.filter(
            org_unit=unit, week__gte=period.start, week__lte=period.end
        )
    }
    rows = []
    for week in period.weeks:
        stat = found.get(week)
        attempts = stat.quiz_attempts if stat else 0
        rows.append(
            {
                "week": week,
                "active_workers": stat.active_workers if stat else 0,
                "completions": stat.completions if stat else 0,
                "learning_hours": round(
                    (stat.learning_seconds if stat else 0) / 3600, 1
                ),
                "quiz_attempts": attempts,
                "average_score": None
                if not attempts
                else round(stat.quiz_score_sum / attempts, 1),
            }
        )
    return rows


def lesson_completion(*, viewer, unit: OrgUnit) -> tuple[list[dict], list[dict]]:
    """Completion by course and by lesson in unit's subtree: (courses, lessons)."""
    from lessons.models import CoursePage

    _check(viewer, unit)
    # One query for the figures and the lessons' titles and tree positions.
    stats = list(
        UnitLessonStat.objects.filter(org_unit=unit)
        .values(
            "lesson_id", "assigned", "started", "completed", "assigned_completed",
            title=F("lesson__title"), path=F("lesson__path"), live=F("lesson__live"),
        )
        .order_by("lesson__path")
    )  # fmt: skip
    courses = list(CoursePage.objects.values("pk", "title", "path").order_by("path"))
    by_course: dict[int, dict] = {}
    lesson_rows = []
    for stat in stats:
        lesson = {"pk": stat["lesson_id"], "title": stat["title"], "path": stat["path"]}
        course = next(
            (c for c in courses if lesson["path"].startswith(c["path"])), None
        )
        course_title = course["title"] if course else ""
        row = {
            "course": course_title,
            "lesson": lesson["title"],
            "lesson_id": lesson["pk"],
            "live": stat["live"],
            "assigned": stat["assigned"],
            "started": stat["started"],
            "completed": stat["completed"],
            "assigned_completed": stat["assigned_completed"],
            "completion_rate": _percent(stat["assigned_completed"], stat["assigned"]),
        }
        lesson_rows.append(row)
        if course:
            total = by_course.setdefault(
                course["pk"],
                {
                    "course": course_title,
                    "lessons": 0,
                    "assigned": 0,
                    "started": 0,
                    "completed": 0,
                    "assigned_completed": 0,
                },
            )
            total["lessons"] += 1
            for key in ("assigned", "started", "completed", "assigned_completed"):
                total[key] += row[key]
    course_rows = list(by_course.values())
    for row in course_rows:
        row["completion_rate"] = _percent(row["assigned_completed"], row["assigned"])
    return course_rows, lesson_rows


def _percent(numerator, denominator) -> float | None:
    return None if not denominator else round(100 * numerator / denominator, 1)


def at_risk(*, viewer, unit: OrgUnit, now=None, limit: int = 200) -> list[dict]:
    """Workers with assigned lessons not complete and no activity for 7 days."""
    _check(viewer, unit)
    since = (now or timezone.now()) - dt.timedelta(days=AT_RISK_INACTIVE_DAYS)
    # Plain values, not model instances: up to `limit` rows on a district page.
    stats = (
        WorkerStat.objects.filter(
            path__startswith=unit.path, assigned__gt=F("completed")
        )
        .filter(Q(last_active_at__lt=since) | Q(last_active_at__isnull=True))
        .order_by("-overdue", F("last_active_at").asc(nulls_first=True), "user_id")
        .values_list(
            "user_id", "user__first_name", "user__last_name", "user__username",
            "org_unit__name", "assigned", "completed", "overdue", "last_active_at",
        )[:limit]
    )  # fmt: skip
    return [
        {
            "worker_id": user_id,
            # User.get_full_name(), or the username
            "name": f"{first} {last}".strip() or username,
            "unit": unit_name,
            "assigned": assigned,
            "completed": completed,
            "open": assigned - completed,
            "overdue": overdue,
            "last_active_at": last_active_at,
        }
        for (
            user_id, first, last, username, unit_name, assigned, completed, overdue,
            last_active_at,
        ) in stats
    ]  # fmt: skip
