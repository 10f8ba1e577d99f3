"""A lesson plays under the Content-Security-Policy without one violation."""

import pytest

from tests.factories import learner
from tests.lessons.demo_video import transcoded_video
from tests.lessons.stories import BEST_CONSEQUENCE, story_lesson
from tests.lessons.test_browser_lesson import press_continue, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Installed before any page script, so it hears every violation event.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def wait_until(page, expression: str, timeout_ms: int = 30_000) -> None:
    """page.wait_for_function without eval in the page (the policy forbids it)."""
    for _ in range(timeout_ms // 100):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {timeout_ms} ms: {expression}")


def test_a_lesson_plays_and_decides_with_no_csp_violation(
    strict_phone_page, live_server, settings
):
    # Stream through hls.js (blob: media, its worker): the strictest case.
    settings.LESSON_DIRECT_MP4_MAX_SECONDS = 0
    lesson = story_lesson(video=transcoded_video(duration=4, size="640x360"))
    page = strict_phone_page
    sign_in(page, live_server, learner())
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))

    response = page.goto(lesson.url)
    press_continue(page)
    page.get_by_role("button", name="播放").click()
    wait_until(page, "document.querySelector('video').currentTime > 1")
    assert page.locator("video").get_attribute("data-engine") == "hls.js"
    press_continue(page, times=3)
    page.get_by_label("召集楼组会议").check()
    page.get_by_role("button", name="就这么办").click()
    page.locator("[data-outcome]").get_by_text(BEST_CONSEQUENCE).wait_for()

    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert page.evaluate("window.__cspViolations") == []
    assert not [line for line in console if "Content Security Policy" in line]
