import pytest

from lessons.blocks import script_blocks
from lessons.models import (
    Character,
    CourseIndexPage,
    CoursePage,
    LearningHomePage,
    LessonPage,
)
from tests.lessons.factories import CharacterFactory, LessonPageFactory, Script

pytestmark = pytest.mark.django_db


def test_the_page_tree_only_allows_lessons_in_courses_in_the_catalogue():
    assert LessonPage.allowed_parent_page_models() == [CoursePage]
    assert CoursePage.allowed_parent_page_models() == [CourseIndexPage]
    assert CourseIndexPage.allowed_parent_page_models() == [LearningHomePage]
    assert LessonPage.allowed_subpage_models() == []


def test_character_text_avatar_is_the_first_character_of_the_name():
    assert CharacterFactory(name="法治专员周律师").avatar_initial == "法"
    assert Character(name=" ", role="other").avatar_initial == "?"


def test_search_text_is_kept_from_the_script_on_save():
    speaker = CharacterFactory(name="周律师")
    lesson = LessonPageFactory(
        script=Script().dialogue(speaker, "先走访，再座谈。").build()
    )
    assert (
        LessonPage.objects.get(pk=lesson.pk).search_text == "周律师\n先走访，再座谈。"
    )


def test_the_script_offers_the_blocks_of_script_blocks_the_quiz_slot():
    # Other apps (quizzes) add a block type by appending to script_blocks().
    stream_block = LessonPage._meta.get_field("script").stream_block
    names = [name for name, _ in script_blocks()]
    assert list(stream_block.child_blocks) == names
    assert names[:7] == [
        "scene", "narration", "dialogue", "decision", "video", "key_points",
        "practice",
    ]  # fmt: skip
