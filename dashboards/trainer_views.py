"""Trainers' pages of the learning-data section (微课分析): aggregates, no names.

Thin views over dashboards.trainer_selectors; every table exports through the
SpreadsheetExportMixin of DashboardView (?export=xlsx|csv&table=<key>), under
the same access check as the page.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from cms.scoping import aggregate_scope_root
from dashboards import charts
from dashboards import trainer_selectors as sel
from dashboards.access import may_see_content_aggregates
from dashboards.tables import Col, Table, sort_rows
from dashboards.views import DashboardView
from lessons.models import LessonPage

ITEM_ANALYSIS_PERMISSION = "quizzes.change_quiz"


def _small_note(*figures: tuple[str, int | None]) -> str:
    """Names the figures resting on fewer than SMALL_N workers."""
    # A figure nobody is behind shows "–" already: nothing to warn about.
    names = [str(name) for name, n in figures if n and sel.small(n)]
    if not names:
        return ""
    return gettext("%(figures)s：不足%(n)d人，仅供参考") % {
        "n": sel.SMALL_N,
        "figures": "、".join(names),
    }


def _sentences(*parts: str) -> str:
    """Sentences of a note: Chinese runs them together, other languages space them."""
    sep = "" if (get_language() or "").startswith("zh") else " "
    return sep.join(str(p) for p in parts if p)


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class TrainerView(DashboardView):
    access = staticmethod(may_see_content_aggregates)
    uses_period = False

    @cached_property
    def scope_label(self) -> str:
        root = aggregate_scope_root(self.request.user)
        return root.name if root else gettext("全部社工")

    def get_filename(self):
        parts = [
            self.scope_label,
            self.file_label(),
            str(self.export_table.title),
            f"{timezone.localdate():%Y%m%d}",
        ]
        return "_".join(p for p in parts if p).replace("/", "-")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["scope_label"] = self.scope_label
        context["small_n"] = sel.SMALL_N
        return context


class TrainerLessonsView(TrainerView):
    page_title = _("微课分析")
    template_name = "dashboards/trainer_lessons.html"

    @cached_property
    def lessons(self):
        return sel.content_lessons()

    def get_tables(self):
        viewer = self.request.user
        funnels = sel.lesson_funnels(viewer=viewer, lessons=self.lessons)
        rows = []
        for lesson in self.lessons:
            f = funnels[lesson.pk]
            rows.append(
                {
                    "lesson_id": lesson.pk,
                    "lesson": lesson.title,
                    "course": lesson.course,
                    "opened": f.opened,
                    "half_watched": f.half_watched,
                    "completed": f.completed,
                    "completion_rate": f.completion_rate,
                    "quiz_passed": f.quiz_passed,
                    "note": _small_note((_("打开人数"), f.opened)),
                }
            )
        columns = [
            Col("lesson", _("微课"), "text", True),
            Col("course", _("课程"), "text", True),
            Col("opened", _("打开"), sortable=True),
            Col("half_watched", _("视频看过一半"), sortable=True),
            Col("completed", _("完成"), sortable=True),
            Col("completion_rate", _("完成率（占打开）"), "ratio", True),
            Col("quiz_passed", _("通过测验"), sortable=True),
            Col("note", _("提示"), "text"),
        ]
        rows, sort = sort_rows(rows, columns, self.request.GET.get("sort", ""))
        funnel = Table(
            key="funnel",
            title=_("各微课学习漏斗"),
            columns=columns,
            rows=rows,
            sort=sort,
            link=lambda r: reverse("dashboards:trainer_lesson", args=[r["lesson_id"]]),
            note=_("人数均为不同社工的人数；“–”表示该微课没有视频或没有测验。"),
        )
        return [funnel, self.types_table()]

    def types_table(self) -> Table:
        outcomes = sel.instructor_type_outcomes(
            viewer=self.request.user, lessons=self.lessons
        )
        rows = [
            {
                "type": sel.type_label(o.type),
                "lessons": o.lessons,
                "completion_rate": o.completion_rate,
                "completion_workers": o.completion_workers,
                "score": o.score,
                "score_workers": o.score_workers if o.score is not None else None,
                "gain": o.gain,
                "gain_workers": o.gain_workers if o.gain is not None else None,
                "note": _small_note(
                    (_("完成率"), o.completion_workers),
                    (_("平均分"), o.score_workers if o.score is not None else None),
                    (_("增益"), o.gain_workers if o.gain is not None else None),
                ),
            }
            for o in outcomes
        ]
        return Table(
            key="instructor_types",
            title=_("按讲师类型比较学习成效"),
            columns=[
                Col("type", _("讲师类型"), "text"),
                Col("lessons", _("微课数")),
                Col("completion_rate", _("完成率"), "ratio"),
                Col("completion_workers", _("完成率人数")),
                Col("score", _("首次平均分"), "score"),
                Col("score_workers", _("测验人数")),
                Col("gain", _("前后测增益"), "ratio"),
                Col("gain_workers", _("增益人数")),
                Col("note", _("提示"), "text"),
            ],
            rows=rows,
            chart=charts.bar_chart(
                [
                    (
                        r["type"],
                        None
                        if r["completion_rate"] is None
                        else 100 * r["completion_rate"],
                    )
                    for r in rows
                ],
                title=gettext("按讲师类型的完成率"),
                suffix="%",
                max_value=100,
            )
            if rows
            else None,
            note=_(
                "一节微课按其讲师的类型计入（没有讲师的计入“未注明讲师”）；"
                "完成率按打开过的社工与微课计，平均分为微课测验的首次得分，"
                "增益为课程课前测与课后测首次得分的标准化增益。"
            ),
        )


class TrainerLessonView(TrainerView):
    page_title = _("微课分析")
    template_name = "dashboards/trainer_lesson.html"

    @cached_property
    def lesson(self) -> LessonPage:
        lesson = LessonPage.objects.live().filter(pk=self.kwargs["lesson_id"]).first()
        if lesson is None:
            raise Http404("No such lesson")
        return lesson

    def get_page_subtitle(self):
        return self.lesson.title

    def file_label(self):
        return self.lesson.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("dashboards:trainer_lessons"), "label": _("微课分析")},
            {"url": "", "label": self.lesson.title},
        ]

    @cached_property
    def ref(self):
        return sel.content_lessons(pks=[self.lesson.pk])[0]

    def get_tables(self):
        viewer, lesson = self.request.user, self.lesson
        tables = [self.funnel_table()]
        for number, video in enumerate(
            sel.video_retention(viewer=viewer, lesson=lesson), start=1
        ):
            tables.append(self.retention_table(number, video))
        for number, decision in enumerate(
            sel.decision_distributions(viewer=viewer, lesson=lesson), start=1
        ):
            tables.append(self.decision_table(number, decision))
        tables.append(self.quiz_table())
        return tables

    def funnel_table(self) -> Table:
        f = sel.lesson_funnels(viewer=self.request.user, lessons=[self.ref])[
            self.ref.pk
        ]
        stages = [
            ("opened", _("打开"), f.opened),
            ("half_watched", _("视频看过一半"), f.half_watched),
            ("completed", _("完成"), f.completed),
            ("quiz_passed", _("通过测验"), f.quiz_passed),
        ]
        rows = [
            {
                "stage": str(label),
                "workers": n,
                "share": None if n is None or not f.opened else n / f.opened,
            }
            for _key, label, n in stages
        ]
        return Table(
            key="funnel",
            title=_("学习漏斗"),
            columns=[
                Col("stage", _("环节"), "text"),
                Col("workers", _("人数")),
                Col("share", _("占打开人数"), "ratio"),
            ],
            rows=rows,
            chart=charts.bar_chart(
                [(r["stage"], r["workers"]) for r in rows], title=gettext("学习漏斗")
            ),
            note=_sentences(
                gettext(
                    "视频看过一半：已看片段（去重）达到本课视频总长的一半；"
                    "通过测验：通过本课全部测验。“–”表示本课没有视频或测验。"
                ),
                _small_note((_("打开人数"), f.opened)),
            ),
        )

    def retention_table(self, number: int, video: sel.Retention) -> Table:
        rows = [
            {
                "bucket": f"{_clock(b.start)}–{_clock(b.end)}",
                "watching": b.watching,
                "share": b.share,
            }
            for b in video.buckets
        ]
        title = gettext("视频%(number)d观看留存") % {"number": number}
        if video.title:
            title = gettext("视频%(number)d《%(title)s》观看留存") % {
                "number": number,
                "title": video.title,
            }
        return Table(
            key=f"video{number}",
            title=title,
            columns=[
                Col("bucket", _("时段（每5秒）"), "text"),
                Col("watching", _("仍在观看")),
                Col("share", _("占观看人数"), "ratio"),
            ],
            rows=rows,
            chart=charts.line_chart(
                [_clock(b.start) for b in video.buckets],
                [
                    charts.Series(
                        gettext("仍在观看的比例"),
                        [
                            None if b.share is None else 100 * b.share
                            for b in video.buckets
                        ],
                    )
                ],
                title=title,
                suffix="%",
                max_value=100,
            )
            if video.viewers
            else None,
            note=_sentences(
                gettext(
                    "观看人数 %(n)d：看过这段视频任何部分的社工；"
                    "某时段内看过至少一半即算仍在观看。"
                )
                % {"n": video.viewers},
                _small_note((_("观看人数"), video.viewers)),
            ),
        )

    def decision_table(self, number: int, decision: sel.DecisionStats) -> Table:
        rows = [
            {
                "option": (
                    gettext("选项%(number)d：%(label)s")
                    % {"number": o.index + 1, "label": o.label}
                    if o.label
                    else gettext("选项%(number)d（已删除）") % {"number": o.index + 1}
                ),
                "rating": o.rating,
                "first": o.first,
                "share": o.share,
                "later": o.later,
            }
            for o in decision.options
        ]
        return Table(
            key=f"decision{number}",
            title=gettext("决策%(number)d：%(prompt)s")
            % {"number": number, "prompt": decision.prompt},
            columns=[
                Col("option", _("选项"), "text"),
                Col("rating", _("评价"), "text"),
                Col("first", _("第一次选择（人）")),
                Col("share", _("第一次选择占比"), "ratio"),
                Col("later", _("改选（次）")),
            ],
            rows=rows,
            chart=charts.bar_chart(
                [
                    (
                        gettext("选项%(number)d") % {"number": o.index + 1},
                        None if o.share is None else 100 * o.share,
                    )
                    for o in decision.options
                ],
                title=gettext("第一次选择的分布"),
                suffix="%",
                max_value=100,
            )
            if decision.choosers
            else None,
            note=_sentences(
                gettext(
                    "第一次选择（计分）%(first)d 人；改选过的 %(again)d 人，"
                    "改选单独计数，不计入分布。"
                )
                % {"first": decision.choosers, "again": decision.rechoosers},
                _small_note((_("第一次选择人数"), decision.choosers)),
            ),
        )

    def quiz_table(self) -> Table:
        may_analyse = self.request.user.has_perm(ITEM_ANALYSIS_PERMISSION)
        rows = sel.lesson_quiz_rows(viewer=self.request.user, lesson=self.lesson)
        for row in rows:
            row["note"] = _small_note((_("作答人数"), row["workers"]))
        return Table(
            key="quizzes",
            title=_("本课测验"),
            columns=[
                Col("quiz", _("测验"), "text"),
                Col("workers", _("作答人数")),
                Col("first_score", _("首次平均分"), "score"),
                Col("passed", _("已通过（人）")),
                Col("note", _("提示"), "text"),
            ],
            rows=rows,
            link=(
                (lambda r: reverse("quizzes_admin:item_analysis", args=[r["quiz_id"]]))
                if may_analyse
                else None
            ),
            note=_("点击测验名称查看题目分析（通过率、区分度、各选项人数）。")
            if may_analyse
            else "",
        )
