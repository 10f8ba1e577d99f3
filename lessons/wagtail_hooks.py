"""Admin wiring for lessons: the snippets trainers use to write stories."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Character, Instructor, Topic


class InstructorViewSet(SnippetViewSet):
    model = Instructor
    icon = "user"
    list_display = ["name", "type"]
    list_filter = ["type"]
    search_fields = ["name", "bio"]
    ordering = ["name"]


class CharacterViewSet(SnippetViewSet):
    model = Character
    icon = "group"
    list_display = ["name", "role"]
    list_filter = ["role"]
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
