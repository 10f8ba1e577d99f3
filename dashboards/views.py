"""The learning-data section of the Wagtail admin (thin views over selectors).

Every table of a page exports through Wagtail's SpreadsheetExportMixin:
?export=xlsx|csv&table=<key>, with the same unit, period and scope checks as
the page itself (an export is the page, written differently).
"""

from __future__ import annotations

from collections import OrderedDict

from django.http import Http404, StreamingHttpResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from cms.scoping import get_overseen_unit_or_404, overseen_root
from dashboards import charts, selectors
from dashboards.access import may_see_people_data
from dashboards.periods import period_from_query
from dashboards.tables import Col, Table, body_html, sort_rows


class DashboardView(SpreadsheetExportMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "dashboards/page.html"
    header_icon = "table"
    access = staticmethod(may_see_people_data)
    uses_period = True

    def dispatch(self, request, *args, **kwargs):
        # The same 404 as a missing unit: no page tells a learner or trainer
        # that learning data about people exists here.
        if not self.access(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": "", "label": self.get_header_title()},
        ]

    @cached_property
    def period(self):
        return period_from_query(self.request.GET)

    def get_tables(self) -> list[Table]:
        return []

    def file_label(self) -> str:
        return ""

    @cached_property
    def tables(self) -> list[Table]:
        return self.get_tables()

    def get(self, request, *args, **kwargs):
        if self.is_export:
            key = request.GET.get("table", "")
            table = next((t for t in self.tables if t.key == key), None)
            if table is None:
                raise Http404("No such table")
            self.export_table = table
            self.list_export = [c.key for c in table.columns]
            self.export_headings = {c.key: str(c.heading) for c in table.columns}
            return self.as_spreadsheet(table.rows, request.GET["export"])
        return super().get(request, *args, **kwargs)

    def to_row_dict(self, item):
        table = self.export_table
        return OrderedDict((c.key, table.export_value(item, c)) for c in table.columns)

    def get_filename(self):
        parts = [self.file_label(), str(self.export_table.title)]
        if self.uses_period:
            parts.append(f"{self.period.start:%Y%m%d}-{self.period.end:%Y%m%d}")
        return "_".join(p for p in parts if p).replace("/", "-")

    def write_csv_response(self, queryset):
        def stream():
            # A byte-order mark, so that Excel opens the UTF-8 file as UTF-8.
            yield "\ufeff"
            yield from self.stream_csv(queryset)

        response = StreamingHttpResponse(
            stream(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition_header(
            True, f"{self.get_filename()}.csv"
        )
        return response

    def export_url(self, table: Table, fmt: str) -> str:
        params = self.request.GET.copy()
        params["export"] = fmt
        params["table"] = table.key
        return f"{self.request.path}?{params.urlencode()}"

    def sort_url(self, table: Table, key: str) -> str:
        params = self.request.GET.copy()
        params["sort"] = f"-{key}" if table.sort == key else key
        return f"{self.request.path}?{params.urlencode()}#{table.key}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["view"] = self
        context["period"] = self.period
        context["tables"] = [self.render_table(t) for t in self.tables]
        return context

    def render_table(self, table: Table) -> dict:
        rows = [
            {
                "cells": [table.display(row, c) for c in table.columns],
                "url": table.link(row) if table.link else None,
            }
            for row in table.rows
        ]
        return {
            "table": table,
            "headings": [
                {
                    "col": c,
                    "url": self.sort_url(table, c.key) if c.sortable else None,
                    "order": "asc"
                    if table.sort == c.key
                    else "desc"
                    if table.sort == f"-{c.key}"
                    else "",
                }
                for c in table.columns
            ],
            "rows": rows,
            "body": body_html(rows),
            "xlsx": self.export_url(table, "xlsx"),
            "csv": self.export_url(table, "csv"),
        }


FIGURE_COLUMNS = [
    Col("workers", _("人数"), sortable=True),
    Col("assigned", _("应学课次"), sortable=True),
    Col("completion_rate", _("完成率"), "ratio", sortable=True),
    Col("overdue", _("逾期"), sortable=True),
    Col("active_7d", _("近7天活跃"), sortable=True),
    Col("learning_hours", _("学时（小时）"), "hours", sortable=True),
    Col("average_score", _("平均测验分"), "score", sortable=True),
    Col("pass_rate", _("通过率"), "ratio", sortable=True),
    Col("gain", _("前后测增益"), "ratio", sortable=True),
]


def figures_dict(figures: selectors.Figures) -> dict:
    return {
        "workers": figures.workers,
        "assigned": figures.assigned,
        "completed": figures.completed,
        "completion_rate": figures.completion_rate,
        "overdue": figures.overdue,
        "active_7d": figures.active_7d,
        "learning_hours": figures.learning_hours,
        "average_score": figures.average_score,
        "pass_rate": figures.pass_rate,
        "gain": figures.gain,
    }


class UnitOverviewView(DashboardView):
    page_title = _("学习数据")
    template_name = "dashboards/unit.html"

    @cached_property
    def unit(self):
        pk = self.kwargs.get("unit_id")
        if pk is None:
            root = overseen_root(self.request.user)
            if root is None:
                raise Http404
            return root
        return get_overseen_unit_or_404(self.request.user, pk)

    def get_page_subtitle(self):
        return self.unit.name

    def file_label(self):
        return self.unit.name

    @cached_property
    def figures(self):
        return selectors.unit_overview(
            viewer=self.request.user, unit=self.unit, period=self.period
        )

    def unit_url(self, unit_id, **params):
        return unit_url(unit_id, self.period, **params)

    @cached_property
    def _period_query(self) -> str:
        return urlencode(self.period.as_query())  # once, not once per row

    @cached_property
    def _worker_path_prefix(self) -> str:
        # reverse() once per page, not once per at-risk row (it costs more than
        # the row): the path ends in "<worker_id>/".
        return reverse("dashboards:worker", args=[0]).removesuffix("0/")

    def worker_url(self, worker_id):
        return f"{self._worker_path_prefix}{int(worker_id)}/?{self._period_query}"

    def get_tables(self):
        viewer, unit, period = self.request.user, self.unit, self.period
        rows = []
        for row in selectors.child_rows(viewer=viewer, unit=unit, period=period):
            data = figures_dict(row.figures)
            data.update(kind=row.kind, pk=row.pk, name=row.name, level=row.level)
            if row.kind == "worker":
                data["last_active_at"] = row.last_active_at
            rows.append(data)
        workers_table = bool(rows) and all(r["kind"] == "worker" for r in rows)
        first = Col("name", _("社工") if workers_table else _("下级单元"), "text", True)
        columns = [first, *FIGURE_COLUMNS]
        if workers_table:
            columns = [c for c in columns if c.key not in ("workers",)]
            columns.append(Col("last_active_at", _("最近学习"), "datetime", True))
        rows, sort = sort_rows(rows, columns, self.request.GET.get("sort", ""))
        children = Table(
            key="children",
            title=_("社工明细") if workers_table else _("下级单元对比"),
            columns=columns,
            rows=rows,
            sort=sort,
            link=lambda r: (
                self.worker_url(r["pk"])
                if r["kind"] == "worker"
                else self.unit_url(r["pk"])
            ),
            chart=charts.bar_chart(
                [
                    (
                        r["name"],
                        None
                        if r["completion_rate"] is None
                        else 100 * r["completion_rate"],
                    )
                    for r in rows[:30]
                ],
                title=str(_("完成率")),
                suffix="%",
                max_value=100,
            )
            if rows
            else None,
        )
        trend_rows = selectors.weekly_trend(viewer=viewer, unit=unit, period=period)
        trend = Table(
            key="trend",
            title=_("每周趋势"),
            columns=[
                Col("week", _("周（周一）"), "date"),
                Col("active_workers", _("活跃人数")),
                Col("completions", _("完成课次")),
                Col("learning_hours", _("学时（小时）"), "hours"),
                Col("quiz_attempts", _("测验次数")),
                Col("average_score", _("平均测验分"), "score"),
            ],
            rows=trend_rows,
            chart=charts.line_chart(
                [f"{r['week']:%m-%d}" for r in trend_rows],
                [
                    charts.Series(
                        str(_("活跃人数")), [r["active_workers"] for r in trend_rows]
                    ),
                    charts.Series(
                        str(_("完成课次")), [r["completions"] for r in trend_rows]
                    ),
                ],
                title=str(_("每周趋势")),
            ),
        )
        course_rows, lesson_rows = selectors.lesson_completion(viewer=viewer, unit=unit)
        courses = Table(
            key="courses",
            title=_("按课程完成情况"),
            columns=[
                Col("course", _("课程"), "text"),
                Col("lessons", _("微课数")),
                Col("assigned", _("应学课次")),
                Col("assigned_completed", _("已完成（应学）")),
                Col("completion_rate", _("完成率"), "percent"),
                Col("started", _("开始学习")),
                Col("completed", _("完成（全部）")),
            ],
            rows=course_rows,
            chart=charts.bar_chart(
                [(r["course"], r["completion_rate"]) for r in course_rows],
                title=str(_("按课程完成率")),
                suffix="%",
                max_value=100,
            )
            if course_rows
            else None,
        )
        lessons = Table(
            key="lessons",
            title=_("按微课完成情况"),
            columns=[
                Col("lesson", _("微课"), "text"),
                Col("course", _("课程"), "text"),
                Col("assigned", _("应学人数")),
                Col("assigned_completed", _("已完成（应学）")),
                Col("completion_rate", _("完成率"), "percent"),
                Col("started", _("开始学习")),
                Col("completed", _("完成（全部）")),
            ],
            rows=lesson_rows,
            # The lesson itself, read-only (a draft that was unpublished has none).
            link=lambda r: (
                reverse("lesson_previews:lesson", args=[r["lesson_id"]])
                if r["live"]
                else None
            ),
        )
        risk_rows = selectors.at_risk(viewer=viewer, unit=unit)
        risk = Table(
            key="at_risk",
            title=_("需关注的社工（有未完成任务且7天以上未学习）"),
            columns=[
                Col("name", _("社工"), "text"),
                Col("unit", _("组织单元"), "text"),
                Col("open", _("未完成")),
                Col("overdue", _("逾期")),
                Col("last_active_at", _("最近学习"), "datetime"),
            ],
            rows=risk_rows,
            link=lambda r: self.worker_url(r["worker_id"]),
        )
        return [children, trend, courses, lessons, risk]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["urge_url"] = reverse("dashboards:urge", args=[self.unit.pk])
        f = self.figures
        context["unit"] = self.unit
        context["cards"] = [
            (_("社工人数"), str(f.workers)),
            (_("应学课次"), str(f.assigned)),
            (_("完成率"), _pct(f.completion_rate)),
            (_("逾期"), str(f.overdue)),
            (_("近7天活跃"), str(f.active_7d)),
            (_("学时（小时）"), f"{f.learning_hours:.1f}"),
            (
                _("平均测验分"),
                "–" if f.average_score is None else f"{f.average_score:.1f}",
            ),
            (_("测验通过率"), _pct(f.pass_rate)),
            (_("前后测增益"), _pct(f.gain)),
        ]
        context["breadcrumb_units"] = self.ancestry()
        return context

    def ancestry(self):
        return unit_crumbs(self.request.user, self.unit, self.period, last_link=False)


def unit_url(unit_id, period, **params):
    query = {**period.as_query(), **params}
    return reverse("dashboards:unit", args=[unit_id]) + "?" + urlencode(query)


def unit_crumbs(viewer, unit, period, *, last_link=True):
    """district › street › neighbourhood, from the top of the viewer's scope."""
    root = overseen_root(viewer)
    units = [a for a in unit.get_ancestors() if root and a.path.startswith(root.path)]
    crumbs = [(u.name, unit_url(u.pk, period)) for u in units]
    crumbs.append((unit.name, unit_url(unit.pk, period) if last_link else None))
    return crumbs


def _pct(value) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


class WorkerView(DashboardView):
    page_title = _("社工学习档案")
    template_name = "dashboards/worker.html"

    @cached_property
    def worker(self):
        from cms.scoping import get_overseen_worker_or_404

        return get_overseen_worker_or_404(self.request.user, self.kwargs["worker_id"])

    def get_page_subtitle(self):
        return self.worker.get_full_name() or self.worker.get_username()

    def file_label(self):
        return f"{self.get_page_subtitle()}_{self.worker.profile.org_unit.name}"

    @cached_property
    def record(self):
        from dashboards import worker_selectors

        return worker_selectors.worker_record(
            viewer=self.request.user, worker=self.worker, period=self.period
        )

    def get_tables(self):
        from dashboards import worker_selectors

        return worker_selectors.worker_tables(self.record)

    def get_context_data(self, **kwargs):
        from dashboards import worker_selectors

        context = super().get_context_data(**kwargs)
        context["cards"] = worker_selectors.worker_cards(self.record)
        context["habit"] = self.record.habit
        unit = self.worker.profile.org_unit
        context["breadcrumb_units"] = unit_crumbs(self.request.user, unit, self.period)
        return context


class UrgeView(DashboardView):
    """POST: a 督学提醒 to the overdue workers of the unit's at-risk list."""

    http_method_names = ["post"]

    def post(self, request, unit_id):
        from django.contrib import messages
        from django.shortcuts import redirect

        from progress.services.reminders import urge_send

        unit = get_overseen_unit_or_404(request.user, unit_id)
        ids = [
            row["worker_id"]
            for row in selectors.at_risk(viewer=request.user, unit=unit)
            if row["overdue"]
        ]
        result = urge_send(sender=request.user, worker_ids=ids)
        messages.success(
            request,
            _(
                "已向 %(sent)d 名社工发送督学提醒"  # noqa: E501
                "（今天已提醒过的 %(again)d 名未重复发送）。"
            )
            % {"sent": len(result.sent), "again": len(result.already_urged_today)},
        )
        return redirect(reverse("dashboards:unit", args=[unit.pk]) + "#at_risk")
