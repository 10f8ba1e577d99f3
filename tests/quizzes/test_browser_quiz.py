"""On a phone: take a demo quiz, fail, review, retake, pass; resume elsewhere."""

import pytest

from quizzes import demo
from quizzes.models import Quiz, QuizAttempt
from tests.factories import learner
from tests.lessons.factories import LessonPageFactory
from tests.lessons.test_browser_lesson import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RIGHT = {
    "楼组众筹改造楼道，第一步最该做什么？": "挨家挨户听取居民想法",
    "众筹的每一笔收支都应当在楼道公示。": "正确",
    "你会怎么回应？": "请她一起参与方案讨论",
}
WRONG = {
    "楼组众筹改造楼道，第一步最该做什么？": "请物业直接施工",
    "众筹的每一笔收支都应当在楼道公示。": "错误",
    "你会怎么回应？": "跳过她家继续施工",
}


def _demo_lesson():
    lesson = LessonPageFactory(slug="stairwell-crowdfunding", title="楼组众筹")
    demo.seed()  # no demo workers here: places the quiz, seeds no attempts
    lesson.refresh_from_db()
    return lesson, Quiz.objects.get(placements__lesson=lesson)


def _answer_screen(page, answers):
    stem = page.locator(".stem").first.inner_text().strip()
    page.get_by_label(answers[stem], exact=True).check()
    page.locator("[data-saved]").first.filter(has_text="已保存").wait_for()


def _take(page, answers):
    for _ in range(3):
        _answer_screen(page, answers)
        button = page.get_by_role("button", name="下一题")
        if button.count():
            button.click()
        else:
            page.get_by_role("button", name="提交答卷").click()
    page.locator(".score-figure").wait_for()


def test_fail_review_retake_pass_on_a_phone(phone_page, live_server):
    page = phone_page
    lesson, quiz = _demo_lesson()
    worker = learner()
    sign_in(page, live_server, worker)
    page.goto(lesson.url)
    page.get_by_role("link", name="开始测验").click()
    page.get_by_role("button", name="开始作答").click()
    _take(page, WRONG)
    assert page.locator(".score-figure").inner_text().startswith("0")
    assert page.get_by_text("未通过").is_visible()
    # Review: the right answers and why, as the quiz's policy allows.
    assert page.get_by_text("先听意见，居民才愿意出钱出力。").is_visible()
    assert page.locator(".is-correct").count() == 3
    page.get_by_role("button", name="再做一次").click()
    _take(page, RIGHT)
    assert page.locator(".score-figure").inner_text().startswith("100")
    assert page.get_by_text("通过了！").is_visible()
    attempts = QuizAttempt.objects.filter(quiz=quiz, user=worker).order_by("number")
    assert [a.passed for a in attempts] == [False, True]


def test_a_second_device_resumes_the_unfinished_attempt(
    phone_page, chromium_browser, live_server
):
    lesson, quiz = _demo_lesson()
    worker = learner()
    sign_in(phone_page, live_server, worker)
    phone_page.goto(f"/quiz/{quiz.pk}/")
    phone_page.get_by_role("button", name="开始作答").click()
    _answer_screen(phone_page, RIGHT)  # saved through the API, no "下一题"

    other = chromium_browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=live_server.url
    )
    try:
        page = other.new_page()
        sign_in(page, live_server, worker)
        page.goto(f"/quiz/{quiz.pk}/")
        page.get_by_role("button", name="继续第 1 次作答").click()
        stem = page.locator(".stem").first.inner_text().strip()
        assert page.get_by_label(RIGHT[stem], exact=True).is_checked()
        assert page.get_by_text("已答 1 / 3").is_visible()
    finally:
        other.close()
    assert QuizAttempt.objects.filter(quiz=quiz, user=worker).count() == 1
