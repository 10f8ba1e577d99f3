"""Issue 8 item 4 on a 390x844 phone: the lesson's end card and the course page."""

import pytest

from lessons.blocks import Rating
from progress.models import LessonProgress
from tests.factories import learner
from tests.lessons.factories import (
    CharacterFactory,
    CoursePageFactory,
    LessonPageFactory,
    Script,
    option,
)
from tests.lessons.test_browser_lesson import press_continue, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/work/wt/shots/progress"


@pytest.fixture
def course_of_two():
    course = CoursePageFactory(title="楼组自治")
    resident = CharacterFactory(name="王阿姨")
    first = LessonPageFactory(
        parent=course,
        title="楼道杂物怎么办",
        script=Script()
        .scene("stairwell", "楼道里的杂物")
        .dialogue(resident, "楼道里堆满了东西，谁来管？")
        .decision(
            "你会怎么做？",
            [
                option("召集楼组会议", rating=Rating.BEST, jump_to="meeting"),
                option("自己动手清理", rating=Rating.POOR),
            ],
        )
        .narration("第二天，杂物又出现了。")
        .scene("meeting", "楼组议事会")
        .key_points(["组先议，小区续议，三委再议"])
        .practice("开一次楼组会", "本周在你的小区召集一次楼组会议，议一件小事。")
        .build(),
    )
    second = LessonPageFactory(parent=course, title="睦邻门是怎么开的")
    return course, first, second


def test_the_end_card_closes_the_lesson_and_the_course_shows_it_finished(
    phone_page, live_server, course_of_two
):
    course, first, second = course_of_two
    page, user = phone_page, learner()
    sign_in(page, live_server, user)
    page.goto(first.url)
    end = page.locator("#lesson-end")
    assert not end.is_visible()  # not before the story's end

    press_continue(page, times=2)
    page.get_by_label("召集楼组会议").check()
    page.get_by_role("button", name="就这么办").click()
    page.locator("[data-outcome][data-chosen]").wait_for(state="attached")
    press_continue(page)  # to the meeting scene
    press_continue(page)  # the end card, which holds the key points and practice
    end.wait_for()
    end.scroll_into_view_if_needed()
    assert end.get_by_text("组先议，小区续议，三委再议").is_visible()
    assert end.get_by_text("本周在你的小区召集一次楼组会议").is_visible()
    assert page.locator("[data-story-nav]").is_hidden()  # nothing covers the card
    page.screenshot(path=f"{SHOTS}/end-card.png", full_page=False)

    end.get_by_role("button", name="我已完成").click()
    end.get_by_text("已完成实践任务").wait_for()
    page.wait_for_function(
        "JSON.parse(localStorage.getItem('wkt.progress.queue') || '[]').length === 0"
    )
    row = LessonProgress.objects.get(user=user, lesson=first)
    assert row.practice_done_at is not None
    assert row.status == LessonProgress.Status.COMPLETED  # read to its end

    next_link = end.get_by_role("link", name="下一节：睦邻门是怎么开的")
    assert next_link.get_attribute("href").rstrip("/").endswith(second.slug)
    end.get_by_role("link", name="返回课程「楼组自治」").click()
    page.wait_for_url(f"**{course.url}")
    cards = page.locator("ol.cards > li")
    assert "已完成" in cards.nth(0).inner_text()
    assert "已完成" not in cards.nth(1).inner_text()
    page.screenshot(path=f"{SHOTS}/course-finished.png", full_page=True)


def test_the_practice_task_stays_done_after_a_reload(
    phone_page, live_server, course_of_two
):
    _course, first, _second = course_of_two
    page, user = phone_page, learner()
    sign_in(page, live_server, user)
    from lessons.decisions import decision_record
    from progress.services.progress import practice_mark_done

    # The end card comes with a path that has no open decision left.
    decision = next(b for b in first.script if b.block_type == "decision")
    decision_record(user=user, lesson=first, decision_id=decision.id, option_index=0)
    practice_mark_done(user=user, lesson=first)
    page.goto(first.url)
    html = page.locator("#lesson-end").inner_html()
    assert "已完成实践任务" in html
    assert "我已完成" not in html
