"""Keeping the trainers' unit rows (UnitLessonFunnel, UnitTypeOutcome) current.

The stats refresh (dashboards.services.stats, every 30 s) calls this in its
transaction with the units of the workers it refreshed: those units' rows are
computed again from the raw rows with dashboards.trainer_figures, the very
functions the pages fall back on. When the content differs from the rows' (a
lesson published, an instructor or a quiz changed: the plan's signature), or on
a rebuild, every unit is. Each run moves the marks' time on, which the pages
read as "current as of".
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from dashboards import trainer_figures as figures
from dashboards.models import TrainerFiguresMark, UnitLessonFunnel, UnitTypeOutcome
from dashboards.sql import copy_rows


def _people(unit_ids: set[int] | None) -> tuple[str, tuple]:
    """Everyone with a profile in those units (None: in any unit)."""
    from cms.models import Profile

    people = Profile.objects.all()
    if unit_ids is not None:
        people = people.filter(org_unit_id__in=sorted(unit_ids))
    sql, params = people.values("user_id").query.sql_with_params()
    return sql, tuple(params)


def trainer_figures_refresh(*, unit_ids: Iterable[int] | None) -> None:
    """Recompute the rows of unit_ids (None: of every unit), or of every unit
    when the content changed, and mark the rows current."""
    from dashboards.trainer_selectors import content_lessons

    now = timezone.now()
    lessons = content_lessons()
    funnel = figures.funnel_plan(lessons)
    types, _ = figures.type_plan(lessons)
    units = None if unit_ids is None else set(unit_ids)
    jobs = (
        (figures.FUNNEL, funnel, UnitLessonFunnel, "lesson_id", figures.FUNNEL_SUMS),
        (figures.TYPES, types, UnitTypeOutcome, "kind", figures.TYPE_SUMS),
    )
    for name, plan, model, key, sums in jobs:
        mark = TrainerFiguresMark.objects.select_for_update().filter(name=name).first()
        scope = units if mark and mark.signature == plan.signature else None
        if scope is None or scope:
            rows = (
                figures.unit_funnel_rows(plan, _people(scope))
                if name == figures.FUNNEL
                else figures.unit_type_rows(plan, _people(scope))
            )
            stale = model.objects.all()
            if scope is not None:
                stale = stale.filter(org_unit_id__in=sorted(scope))
            stale.delete()
            copy_rows(
                model._meta.db_table,
                ["org_unit_id", key, *sums],
                ((unit, k, *values) for (unit, k), values in rows.items()),
            )
        TrainerFiguresMark.objects.update_or_create(
            name=name, defaults={"signature": plan.signature, "at": now}
        )
