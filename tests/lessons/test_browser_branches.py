"""On a 390x844 phone: the 继续 bar never covers what was just shown, branches
arrive only after the choice is stored, and a trainer's preview stores nothing."""

import pytest

from lessons.blocks import Rating
from lessons.models import Character, DecisionChoice
from tests.factories import learner, trainer
from tests.lessons.factories import CharacterFactory, LessonPageFactory, Script, option
from tests.lessons.stories import (
    BEST_CONSEQUENCE,
    POOR_CONSEQUENCE,
    story_lesson,
)
from tests.lessons.test_browser_lesson import press_continue, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_CONSEQUENCE = (
    "楼组长当场认领了整理杂物的任务，王阿姨也答应劝说邻居。\n"
    "一周后，楼道里的纸箱和旧自行车都清走了，大家约定每月一起打扫一次。\n"
    "居委会把这次议事的经过写进了楼组公约，贴在一楼大厅。"
)


def wait_for_scroll_to_settle(page) -> None:
    page.evaluate(
        """() => new Promise((resolve) => {
            let last = -1, still = 0;
            const tick = () => {
                if (window.scrollY === last) { if (++still > 8) return resolve(); }
                else { still = 0; last = window.scrollY; }
                requestAnimationFrame(tick);
            };
            tick();
        })"""
    )


def box(page, selector: str) -> dict:
    return page.locator(selector).last.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, height: r.height}; }"
    )


def long_story():
    resident = CharacterFactory(name="王阿姨", role=Character.Role.RESIDENT)
    worker = CharacterFactory(name="小李", role=Character.Role.SOCIAL_WORKER)
    script = Script().scene(
        "stairwell",
        "楼道里的杂物",
        setting="明园大楼三楼，纸箱、旧自行车和腌菜缸挤满了楼道，消防通道只剩一条缝。",
    )
    for turn in range(4):
        script.dialogue(resident, f"第{turn + 1}次了，楼道里堆满了东西，谁来管？")
        script.dialogue(worker, "王阿姨，您先别急，我们一起商量个办法，好不好？")
    script.decision(
        "你会怎么做？",
        [
            option(
                "召集楼组会议",
                consequence=LONG_CONSEQUENCE,
                rating=Rating.BEST,
                jump_to="meeting",
            ),
            option("自己动手清理", consequence=POOR_CONSEQUENCE, rating=Rating.POOR),
        ],
    )
    script.narration("第二天，杂物又出现了。")
    script.scene("meeting", "楼组议事会", setting="一楼大厅，十二位居民坐成一圈。")
    for turn in range(3):
        script.dialogue(resident, f"议事会上的第{turn + 1}条意见：杂物要有地方放。")
    script.key_points(["组先议", "小区续议", "三委再议"])
    return LessonPageFactory(script=script.build())


def test_the_outcome_and_later_steps_are_never_under_the_continue_bar(
    phone_page, live_server
):
    page = phone_page
    sign_in(page, live_server, learner())
    page.goto(long_story().url)
    press_continue(page, times=9)  # eight lines, then the decision

    page.get_by_label("召集楼组会议").check()
    page.get_by_role("button", name="就这么办").click()
    page.locator("[data-outcome][data-chosen]").wait_for()
    wait_for_scroll_to_settle(page)

    outcome, bar = box(page, "[data-outcome]"), box(page, "[data-story-nav]")
    assert page.get_by_role("button", name="继续").is_visible()
    assert outcome["top"] >= 0
    assert outcome["bottom"] <= bar["top"] + 1, (outcome, bar)

    # Every step revealed after it sits above the bar too, up to the story's end.
    for _ in range(4):
        press_continue(page)
        wait_for_scroll_to_settle(page)
        step, bar = (
            box(page, "[data-step]:not([hidden])"),
            box(page, "[data-story-nav]"),
        )
        assert step["bottom"] <= bar["top"] + 1, (step, bar)


def test_the_branch_reaches_the_browser_only_after_the_choice_is_stored(
    phone_page, live_server
):
    page = phone_page
    user = learner()
    sign_in(page, live_server, user)
    lesson = story_lesson()
    page.goto(lesson.url)
    html_before = page.content()
    assert "楼组议事会" not in html_before
    assert "第二天,杂物又出现了。" not in html_before

    press_continue(page, times=3)
    page.get_by_label("召集楼组会议").check()
    page.get_by_role("button", name="就这么办").click()
    page.get_by_text(BEST_CONSEQUENCE).wait_for()

    assert DecisionChoice.objects.get(user=user).option_index == 0
    press_continue(page)
    page.get_by_role("heading", name="楼组议事会").wait_for()
    assert "第二天,杂物又出现了。" not in page.content()  # the other branch never came


def test_choosing_again_is_practice_and_the_page_says_so(phone_page, live_server):
    page = phone_page
    user = learner()
    sign_in(page, live_server, user)
    lesson = story_lesson()
    page.goto(lesson.url)
    press_continue(page, times=3)
    page.get_by_label("自己动手清理").check()
    page.get_by_role("button", name="就这么办").click()
    page.get_by_text(POOR_CONSEQUENCE).wait_for()
    assert page.get_by_text("改选只用于练习，成绩按第一次选择计算。").is_visible()

    page.get_by_label("召集楼组会议").check()
    page.get_by_role("button", name="改选").click()
    page.get_by_text(BEST_CONSEQUENCE).wait_for()

    assert page.get_by_text(
        "计入成绩的是你第一次的选择：第 2 项（欠妥）。"
    ).is_visible()
    # The new branch replaced the old one.
    press_continue(page)
    page.get_by_role("heading", name="楼组议事会").wait_for()
    assert "第二天,杂物又出现了。" not in page.content()
    assert list(
        DecisionChoice.objects.filter(user=user).values_list("option_index", "is_first")
    ) == [(1, True), (0, False)]


def open_edit_preview(page, lesson) -> None:
    """What the editor's preview does: post the edit form, then open the preview."""
    page.goto(f"/admin/pages/{lesson.pk}/edit/")
    preview_url = f"/admin/pages/{lesson.pk}/edit/preview/"
    page.evaluate(
        """async (url) => {
            const form = document.querySelector("form[data-edit-form]");
            const body = new FormData(form);
            const response = await fetch(url, {method: "POST", body});
            if (!response.ok) throw new Error(String(response.status));
        }""",
        preview_url,
    )
    page.goto(f"{preview_url}?mode=")


def test_trainer_previews_an_unpublished_lesson_and_stores_nothing(
    phone_page, live_server
):
    page = phone_page
    sign_in(page, live_server, trainer())
    lesson = story_lesson()
    lesson.unpublish()

    open_edit_preview(page, lesson)
    press_continue(page, times=3)
    page.get_by_label("召集楼组会议").check()
    page.get_by_role("button", name="就这么办").click()

    page.get_by_text(BEST_CONSEQUENCE).wait_for()
    assert not page.get_by_text("没能保存你的选择").is_visible()
    press_continue(page)
    page.get_by_role("heading", name="楼组议事会").wait_for()
    assert not DecisionChoice.objects.exists()


def test_trainer_preview_of_a_published_lesson_shows_the_draft_and_stores_nothing(
    phone_page, live_server
):
    page = phone_page
    sign_in(page, live_server, trainer())
    lesson = story_lesson()
    draft = lesson.get_latest_revision_as_object()
    decision = next(b for b in draft.script if b.block_type == "decision")
    decision.value["options"][0]["consequence"] = (
        "草稿里改写的结果：大家约好周末一起清理。"
    )
    draft.save_revision()  # a draft: the live page keeps the old consequence

    open_edit_preview(page, lesson)
    press_continue(page, times=3)
    page.get_by_label("召集楼组会议").check()
    page.get_by_role("button", name="就这么办").click()

    page.get_by_text("草稿里改写的结果：大家约好周末一起清理。").wait_for()
    assert BEST_CONSEQUENCE not in page.content()
    assert not DecisionChoice.objects.exists()
