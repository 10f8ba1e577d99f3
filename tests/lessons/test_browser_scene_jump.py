"""In chromium: the decision option's 跳转到场景 is a select of the lesson's
scenes in the editor, follows scenes added while writing, and saves the choice."""

import pytest

from lessons.models import LessonPage
from tests.lessons.stories import story_lesson

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def jump_selects(page):
    return page.locator("select.scene-jump-select")


def test_jump_is_a_select_of_the_lessons_scenes_and_saves_the_choice(admin_page):
    lesson = story_lesson(title="楼道里的杂物")
    admin_page.goto(f"/admin/pages/{lesson.pk}/edit/")
    selects = jump_selects(admin_page)
    selects.first.wait_for()
    assert selects.count() == 2  # one per option of the story's decision
    first = selects.nth(0)
    assert first.input_value() == "meeting"
    options = first.locator("option").all_inner_texts()
    assert options == [
        "不跳转（接着往下）",
        "stairwell：楼道里的杂物",
        "meeting：楼组议事会",
    ]
    # No text box is left to type a scene name into.
    assert admin_page.locator("input[data-scene-jump]:not([type=hidden])").count() == 0

    selects.nth(1).select_option("stairwell")
    admin_page.get_by_role("button", name="保存草稿").click()
    admin_page.wait_for_url(f"**/admin/pages/{lesson.pk}/edit/")
    draft = LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object()
    decision = next(b for b in draft.script if b.block_type == "decision")
    assert [o["jump_to"] for o in decision.value["options"]] == ["meeting", "stairwell"]


def test_a_scene_renamed_while_writing_appears_in_the_select(admin_page):
    lesson = story_lesson()
    admin_page.goto(f"/admin/pages/{lesson.pk}/edit/")
    jump_selects(admin_page).first.wait_for()
    anchor = admin_page.locator('input[name$="-value-anchor"]').last
    anchor.fill("round-2")
    select = jump_selects(admin_page).nth(1)
    select.focus()
    assert "round-2：楼组议事会" in select.locator("option").all_inner_texts()
