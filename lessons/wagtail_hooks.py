"""Admin wiring for lessons: the snippets trainers use to write stories."""

from django.contrib import messages
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .authoring import lesson_estimate, lesson_length_warning
from .models import Character, Instructor, LessonPage, Topic


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


class CharacterViewSet(SnippetViewSet):
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
    list_display = ["name", "slug"]
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
