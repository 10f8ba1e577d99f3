"""Wagtail wiring for lessons: sign-in for learner pages, the snippets trainers use
to write stories, and the editor's length warning."""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
)
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.scoping import reads_lessons_read_only

from . import admin_urls
from .authoring import lesson_estimate, lesson_length_warning
from .models import (
    Character,
    CourseIndexPage,
    CoursePage,
    Instructor,
    LearningHomePage,
    LessonPage,
    Topic,
)
from .selectors import trainer_dashboard

LEARNER_PAGE_TYPES = (LearningHomePage, CourseIndexPage, CoursePage, LessonPage)


@hooks.register("before_serve_page")
def require_login_for_learning_pages(page, request, serve_args, serve_kwargs):
    """Feed, catalogue, courses and lessons are for signed-in workers only."""
    if isinstance(page, LEARNER_PAGE_TYPES) and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


class InstructorViewSet(SnippetViewSet):
    model = Instructor
    icon = "user"
    list_display = ["name", "type"]
    list_filter = ["type"]
    # Chinese names have no spaces: match substrings with the ORM, not the
    # full-text index (which only matches whole whitespace-separated tokens).
    search_backend_name = None
    search_fields = ["name", "bio"]
    ordering = ["name"]


class CharacterChooserFilterForm(BaseFilterForm):
    """Find a speaker by part of the name and by role, while writing dialogue."""

    q = forms.CharField(
        label=_("名字"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("名字中的字")}),
    )
    role = forms.ChoiceField(
        label=_("角色"),
        required=False,
        choices=[("", _("全部角色")), *Character.Role.choices],
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = self.cleaned_data.get("q")
        if query:
            objects = objects.filter(name__icontains=query)
            self.is_searching = True
            self.search_query = query
        if self.cleaned_data.get("role"):
            objects = objects.filter(role=self.cleaned_data["role"])
        return objects


class CharacterChooseView(ChooseView):
    filter_form_class = CharacterChooserFilterForm


class CharacterChooseResultsView(ChooseResultsView):
    filter_form_class = CharacterChooserFilterForm


class CharacterChooserViewSet(SnippetChooserViewSet):
    choose_view_class = CharacterChooseView
    choose_results_view_class = CharacterChooseResultsView


class CharacterViewSet(SnippetViewSet):
    chooser_viewset_class = CharacterChooserViewSet
    model = Character
    icon = "group"
    list_display = ["name", "role"]
    list_filter = ["role"]
    search_backend_name = None
    search_fields = ["name"]
    ordering = ["name"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name", "name_en", "slug"]
    ordering = ["sort_order", "name"]


class LessonMaterialsGroup(SnippetViewSetGroup):
    menu_label = _("微课素材")
    menu_icon = "folder-open-inverse"
    menu_order = 250
    items = (InstructorViewSet, CharacterViewSet, TopicViewSet)


register_snippet(LessonMaterialsGroup)


def warn_if_lesson_too_long(request, page):
    """After saving, tell the trainer a lesson runs past the limit (never blocks)."""
    page = page.specific
    if not isinstance(page, LessonPage):
        return
    draft = page.get_latest_revision_as_object()
    warning = lesson_length_warning(lesson_estimate(draft.script))
    if warning:
        messages.warning(request, warning)


hooks.register("after_create_page", warn_if_lesson_too_long)
hooks.register("after_edit_page", warn_if_lesson_too_long)


class TrainerDashboardPanel(Component):
    """On the admin home: a trainer's drafts, videos not yet playable, recent edits."""

    name = "trainer_dashboard"
    order = 50
    template_name = "lessons/admin/trainer_dashboard_panel.html"

    def __init__(self, dashboard):
        self.dashboard = dashboard

    def get_context_data(self, parent_context=None):
        return {"dashboard": self.dashboard}


@hooks.register("construct_homepage_panels")
def add_trainer_dashboard_panel(request, panels):
    dashboard = trainer_dashboard(viewer=request.user)
    if dashboard is not None:
        panels.insert(0, TrainerDashboardPanel(dashboard))


@hooks.register("register_admin_urls")
def register_lesson_preview_urls():
    return [path("lesson-previews/", include(admin_urls, namespace="lesson_previews"))]


class _ReadOnlyLessonsItem(MenuItem):
    """Supervisors open lessons read-only here; they get no page explorer or editor."""

    def is_shown(self, request):
        return reads_lessons_read_only(request.user) and not request.user.is_superuser


@hooks.register("register_admin_menu_item")
def register_read_only_lessons_menu():
    return _ReadOnlyLessonsItem(
        _("微课（只读）"),
        reverse("lesson_previews:index"),
        name="lessons-read-only",
        icon_name="view",
        order=150,
    )
