"""Admin wiring for quizzes: question bank and quizzes as snippets with revisions."""

from django.utils.translation import gettext_lazy as _
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
    icon = "tick"
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
    menu_icon = "tick"
    menu_order = 260
    items = (QuestionViewSet, QuizViewSet, CompetencyViewSet, QuestionCategoryViewSet)


register_snippet(QuizGroup)
