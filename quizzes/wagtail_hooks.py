"""Admin wiring for quizzes: question bank and quizzes as snippets with revisions."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Competency, Question, QuestionCategory, Quiz


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("题目")
    list_display = ["__str__", "type", "category", "difficulty", "updated_at"]
    list_filter = ["type", "category", "difficulty", "competencies"]
    # Chinese has no spaces: substring search with the ORM.
    search_backend_name = None
    search_fields = ["stem", "scenario"]
    ordering = ["-updated_at"]


class QuizViewSet(SnippetViewSet):
    model = Quiz
    # Wagtail's icon set has no "tick" (only "check", "tick-inverse"): a name it
    # lacks renders no icon at all.
    icon = "circle-check"
    menu_label = _("测验")
    list_display = ["title", "kind", "course", "pass_mark", "attempts_allowed"]
    list_filter = ["kind"]
    search_backend_name = None
    search_fields = ["title"]


class CompetencyViewSet(SnippetViewSet):
    model = Competency
    icon = "tag"
    list_display = ["name", "slug"]


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"


class QuizGroup(SnippetViewSetGroup):
    menu_label = _("题库与测验")
    menu_icon = "clipboard-list"
    menu_order = 260
    items = (QuestionViewSet, QuizViewSet, CompetencyViewSet, QuestionCategoryViewSet)


register_snippet(QuizGroup)


@hooks.register("register_admin_urls")
def register_quiz_admin_urls():
    from quizzes import admin_urls

    return [path("quizzes/", include(admin_urls, namespace="quizzes_admin"))]


@hooks.register("register_snippet_listing_buttons")
def item_analysis_button(snippet, user, next_url=None):
    if isinstance(snippet, Quiz) and user.has_perm("quizzes.change_quiz"):
        yield ListingButton(
            _("题目分析"),
            reverse("quizzes_admin:item_analysis", args=[snippet.pk]),
            priority=30,
        )


class QuestionImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("quizzes.add_question")


@hooks.register("register_admin_menu_item")
def question_import_menu_item():
    return QuestionImportMenuItem(
        _("导入题目"),
        reverse("quizzes_admin:question_import"),
        icon_name="upload",
        order=261,
    )
