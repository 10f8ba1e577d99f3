"""The story on a phone without video: keyboard use, and the page without JavaScript."""

import pytest

from lessons.models import DecisionChoice
from lessons.services import decision_record
from tests.deps import new_phone_context
from tests.factories import learner
from tests.lessons.stories import (
    BEST_CONSEQUENCE,
    POOR_CONSEQUENCE,
    decision_id_of,
    story_lesson,
)
from tests.lessons.test_browser_lesson import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_story_can_be_followed_with_the_keyboard(phone_page, live_server):
    page = phone_page
    user = learner()
    sign_in(page, live_server, user)
    lesson = story_lesson()
    page.goto(lesson.url)

    # Only the opening scene shows; "继续" reveals the next step and moves focus there.
    assert not page.get_by_text("楼道里堆满了东西,谁来管?").is_visible()
    page.get_by_role("button", name="继续").focus()
    page.keyboard.press("Enter")
    line = page.locator("[data-step]").nth(1)
    assert line.is_visible()
    assert line.evaluate("el => el === document.activeElement")

    page.keyboard.press("Tab")  # focus returns to "继续", the next thing in order
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    # At an open decision there is no "继续": the learner must choose first.
    assert not page.get_by_role("button", name="继续").is_visible()
    page.keyboard.press("Tab")  # into the radio group
    page.keyboard.press("ArrowDown")  # second option
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "就这么办"

    page.get_by_text(POOR_CONSEQUENCE).wait_for()
    assert page.locator("[data-outcome]").get_attribute("aria-live") == "polite"
    assert DecisionChoice.objects.get(user=user).option_index == 1
    assert page.get_by_role("button", name="继续").is_visible()


def test_without_javascript_the_whole_story_shows_and_the_form_posts(
    chromium_browser, live_server
):
    context = new_phone_context(
        chromium_browser, java_script_enabled=False, base_url=live_server.url
    )
    page = context.new_page()
    user = learner()
    sign_in(page, live_server, user)
    lesson = story_lesson()
    try:
        page.goto(lesson.url)
        assert page.get_by_text("第二天,杂物又出现了。").is_visible()
        assert page.get_by_role("heading", name="楼组议事会").is_visible()

        page.get_by_label("召集楼组会议").check()
        page.get_by_role("button", name="就这么办").click()

        page.get_by_text(BEST_CONSEQUENCE).wait_for()
        assert DecisionChoice.objects.get(user=user).option_index == 0
    finally:
        context.close()


def test_returning_learner_resumes_at_their_decision_and_its_branch(
    phone_page, live_server
):
    page = phone_page
    user = learner()
    sign_in(page, live_server, user)
    lesson = story_lesson()
    decision_record(
        user=user, lesson=lesson, decision_id=decision_id_of(lesson), option_index=0
    )

    page.goto(lesson.url)

    assert page.get_by_text(BEST_CONSEQUENCE).is_visible()
    page.get_by_role("button", name="继续").click()
    page.get_by_role("heading", name="楼组议事会").wait_for()
    assert not page.get_by_text("第二天,杂物又出现了。").is_visible()


def test_if_story_js_never_arrives_the_whole_story_is_shown(phone_page, live_server):
    page = phone_page
    sign_in(page, live_server, learner())
    lesson = story_lesson()
    page.route("**/story*.js", lambda route: route.abort())

    page.goto(lesson.url)
    narration = page.get_by_text("第二天,杂物又出现了。")
    assert not narration.is_visible()  # held back while story.js may still come

    narration.wait_for(timeout=15_000)
    assert page.get_by_role("heading", name="楼组议事会").is_visible()
