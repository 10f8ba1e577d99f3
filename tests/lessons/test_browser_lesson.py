"""A learner on a 390x844 phone in Debian's chromium works through a demo lesson."""

import pytest
from django.test import Client

from lessons.models import DecisionChoice
from tests.factories import learner
from tests.lessons.demo_video import CAPTION_TEXT, transcoded_video
from tests.lessons.stories import BEST_CONSEQUENCE, story_lesson
from tests.lessons.weigh import PageWeigher, totals

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_BUDGET_GZIP_BYTES = 50 * 1024


def sign_in(page, live_server, user) -> None:
    """Give the browser the session a login would, without the login form's throttle."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def demo_lesson():
    return story_lesson(video=transcoded_video(), title="楼道杂物怎么办")


def press_continue(page, times: int = 1) -> None:
    for _ in range(times):
        page.get_by_role("button", name="继续").click()


def test_learner_watches_reads_and_decides(phone_page, live_server, demo_lesson):
    page = phone_page
    user = learner()
    sign_in(page, live_server, user)
    weigher = PageWeigher(page)

    page.goto(demo_lesson.url)
    page.wait_for_load_state("load")
    before_play = weigher.mark()

    # Before play: no hls.js, no video bytes, and the page is light.
    assert page.evaluate("typeof window.Hls") == "undefined"
    streams = (".m3u8", ".m4s", ".mp4", "hls.light.min.js")
    assert not [u for u in weigher.urls() if u.endswith(streams)]
    raw, compressed = totals(weigher.transfers())["total"]
    assert compressed <= PAGE_BUDGET_GZIP_BYTES, (raw, compressed)
    assert BEST_CONSEQUENCE not in page.content()

    # The story opens on its first scene; the video is the next step.
    assert page.get_by_role("heading", name="楼道杂物怎么办", level=1).is_visible()
    press_continue(page)
    page.get_by_role("button", name="播放").click()
    page.wait_for_function(
        "document.querySelector('video').currentTime > 1", timeout=30_000
    )
    # A short video plays its MP4 directly (lessons/delivery.py): no hls.js.
    video = page.locator("video")
    assert video.get_attribute("data-engine") == "mp4"
    assert page.evaluate("typeof window.Hls") == "undefined"
    assert any(u.endswith(".mp4") for u in weigher.urls(before_play))

    # Captions are on and a cue is showing.
    page.wait_for_function(
        "(() => { const t = document.querySelector('video').textTracks[0];"
        " return t.mode === 'showing' && t.activeCues && t.activeCues.length > 0 })()"
    )
    cue = page.evaluate(
        "document.querySelector('video').textTracks[0].activeCues[0].text"
    )
    assert cue == CAPTION_TEXT

    # Two lines of dialogue, then the decision.
    press_continue(page, times=3)
    decision = page.get_by_role("group", name="你会怎么做?")
    decision.get_by_label("召集楼组会议").check()
    page.get_by_role("button", name="就这么办").click()
    outcome = page.locator("[data-outcome]")
    outcome.get_by_text(BEST_CONSEQUENCE).wait_for()
    assert outcome.get_by_text("最佳").is_visible()

    choice = DecisionChoice.objects.get(user=user, lesson=demo_lesson)
    assert (choice.option_index, choice.rating) == (0, "best")

    # The chosen option branches to the meeting scene, skipping the narration.
    press_continue(page)
    page.get_by_role("heading", name="楼组议事会", level=2).wait_for()
    assert not page.get_by_text("第二天,杂物又出现了。").is_visible()
