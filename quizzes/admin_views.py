"""Trainer screens in the Wagtail admin: item analysis (a ReportView) and import."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from cms.importing import ImportFileError
from quizzes.analysis import quiz_analysis
from quizzes.exports import response_rows
from quizzes.importing import questions_import, read_questions_file, template_rows
from quizzes.models import Quiz

TRAINER_PERMISSION = "quizzes.change_quiz"


def _require_trainer(request):
    if not request.user.has_perm(TRAINER_PERMISSION):
        raise PermissionDenied


def _figure(value):
    return "—" if value is None else f"{value:.3f}"


class ItemAnalysisView(ReportView):
    """Per question figures on screen; the spreadsheet export is the raw matrix."""

    page_title = _("题目分析")
    header_icon = "table"
    index_url_name = "quizzes_admin:item_analysis"
    index_results_url_name = "quizzes_admin:item_analysis_results"
    results_template_name = "quizzes/admin/item_analysis_results.html"
    paginate_by = None
    columns = [
        Column("question", label=_("题目")),
        Column("n", label=_("作答数")),
        Column("facility_text", label=_("通过率")),
        Column("discrimination_text", label=_("区分度")),
        Column("options_text", label=_("各选项人数（*为正确答案）")),
        Column("flags_text", label=_("提示")),
    ]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.quiz = get_object_or_404(Quiz, pk=kwargs["quiz_id"])
        self.all_attempts = request.GET.get("attempts") == "all"

    def dispatch(self, request, *args, **kwargs):
        _require_trainer(request)
        return super().dispatch(request, *args, **kwargs)

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.quiz.pk])

    def get_index_results_url(self):
        return reverse(self.index_results_url_name, args=[self.quiz.pk])

    def get_filename(self):
        return f"quiz-{self.quiz.pk}-responses"

    def get_queryset(self):
        if self.is_export:
            rows = response_rows(
                quiz=self.quiz, first_attempts_only=not self.all_attempts
            )
            self.list_export = [str(name) for name in rows[0]]
            self.export_headings = {}
            return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
        self.report = quiz_analysis(
            quiz=self.quiz, first_attempts_only=not self.all_attempts
        )
        return [
            {
                "question": item.label,
                "n": item.figures.n,
                "facility_text": _figure(item.figures.facility),
                "discrimination_text": _figure(item.figures.discrimination),
                "options_text": "  ".join(
                    f"{o.letter}{'*' if o.is_correct else ''}:{o.count}"
                    for o in item.options
                ),
                "flags_text": "；".join(flag.message for flag in item.figures.flags),
            }
            for item in self.report.items
        ]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        report = getattr(self, "report", None)
        context.update(
            quiz=self.quiz,
            report=report,
            reliability_text=_figure(report.figures.reliability) if report else "",
            all_attempts=self.all_attempts,
        )
        return context


class QuestionImportForm(forms.Form):
    file = forms.FileField(
        label=_("题目表格（.csv 或 .xlsx）"),
        help_text=_(
            "列：题型、题干、选项A–F、正确答案，可选 案例、反馈A–F、解析、能力标签、"
            "难度、分类。任何一行有错，全部不导入。"
        ),
    )
    dry_run = forms.BooleanField(label=_("只检查，不导入"), required=False)


def question_import(request):
    _require_trainer(request)
    report = None
    form = QuestionImportForm(request.POST or None, request.FILES or None)
    file_error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            try:
                rows = read_questions_file(path)
            except ImportFileError as exc:
                file_error = str(exc)
            else:
                report = questions_import(
                    rows=rows,
                    dry_run=form.cleaned_data["dry_run"],
                    user=request.user,
                )
    return TemplateResponse(
        request,
        "quizzes/admin/question_import.html",
        {
            "form": form,
            "report": report,
            "file_error": file_error,
            "template_header": template_rows()[0],
            "page_title": _("导入题目"),
        },
    )


def question_template(request):
    """The documented template as CSV (UTF-8 with BOM, so Excel opens it)."""
    import csv

    from django.http import HttpResponse

    _require_trainer(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="question-template.csv"'
    response.write("\ufeff")
    csv.writer(response).writerows(template_rows())
    return response
