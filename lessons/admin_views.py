"""Supervisors' read-only lessons in the admin (thin views over cms.scoping and
lessons.selectors): a list of the live lessons and each one as the learner sees
it, through Wagtail's preview (every branch shown, nothing stored)."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.scoping import get_overseen_lesson_or_404, reads_lessons_read_only
from lessons.selectors import overseen_lessons_by_course


class _OverseenMixin(WagtailAdminTemplateMixin):
    header_icon = "view"

    def dispatch(self, request, *args, **kwargs):
        # Trainers and learners get the same 404 as a missing lesson.
        if not reads_lessons_read_only(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class OverseenLessonsView(_OverseenMixin, TemplateView):
    template_name = "lessons/admin/overseen_lessons.html"
    page_title = _("微课（只读）")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["courses"] = overseen_lessons_by_course(viewer=self.request.user)
        return context


class LessonReadOnlyView(_OverseenMixin, TemplateView):
    template_name = "lessons/admin/lesson_read_only.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.lesson = get_overseen_lesson_or_404(request.user, kwargs["lesson_id"])

    def get_page_title(self):
        return self.lesson.title

    def get_page_subtitle(self):
        return _("只读预览")

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("lesson_previews:index"), "label": _("微课（只读）")},
            {"url": "", "label": self.lesson.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lesson"] = self.lesson
        context["frame_url"] = reverse("lesson_previews:frame", args=[self.lesson.pk])
        return context


@require_GET
def lesson_frame(request, lesson_id: int):
    """The live lesson rendered as Wagtail's preview: the learner's page with every
    branch open, and no choice, progress or quiz answer stored."""
    lesson = get_overseen_lesson_or_404(request.user, lesson_id)
    response = lesson.make_preview_request(
        original_request=request, preview_mode=lesson.default_preview_mode
    )
    # The preview's own middleware run set DENY, which the decorator leaves alone.
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response
