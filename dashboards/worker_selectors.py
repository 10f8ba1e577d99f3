"""The worker page: one person's learning record (scoped by cms.scoping)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cms.scoping import get_overseen_worker_or_404
from dashboards.models import WorkerStat, WorkerWeekStat
from dashboards.tables import Col, Table


def _check(viewer, worker):
    get_overseen_worker_or_404(viewer, worker.pk)


def worker_cards(*, viewer, worker, period) -> list[tuple[str, str]]:
    _check(viewer, worker)
    stat = WorkerStat.objects.filter(user=worker).first()
    if stat is None:
        return [(_("应学课次"), "0")]
    rate = "–" if not stat.assigned else f"{100 * stat.completed / stat.assigned:.1f}%"
    score = (
        "–"
        if not stat.quiz_attempts
        else f"{stat.quiz_score_sum / stat.quiz_attempts:.1f}"
    )
    return [
        (_("应学课次"), str(stat.assigned)),
        (_("已完成"), str(stat.completed)),
        (_("完成率"), rate),
        (_("逾期"), str(stat.overdue)),
        (_("累计学时（小时）"), f"{stat.learning_seconds / 3600:.1f}"),
        (_("平均测验分"), score),
    ]


def worker_tables(*, viewer, worker, period) -> list[Table]:
    _check(viewer, worker)
    weeks = {
        w.week: w
        for w in WorkerWeekStat.objects.filter(
            user=worker, week__gte=period.start, week__lte=period.end
        )
    }
    rows = [
        {
            "week": week,
            "learning_hours": (weeks[week].learning_seconds if week in weeks else 0)
            / 3600,
            "completions": weeks[week].completions if week in weeks else 0,
            "quiz_attempts": weeks[week].quiz_attempts if week in weeks else 0,
        }
        for week in period.weeks
    ]
    return [
        Table(
            key="weeks",
            title=_("每周学习"),
            columns=[
                Col("week", _("周（周一）"), "date"),
                Col("learning_hours", _("学时（小时）"), "hours"),
                Col("completions", _("完成课次")),
                Col("quiz_attempts", _("测验次数")),
            ],
            rows=rows,
        )
    ]
