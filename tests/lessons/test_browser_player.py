"""The video player on a phone: remembered captions and speed, a low start when slow."""

import pytest

from tests.factories import learner
from tests.lessons.demo_video import transcoded_video
from tests.lessons.stories import story_lesson
from tests.lessons.test_browser_lesson import press_continue, sign_in
from tests.lessons.weigh import PageWeigher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Under 1 Mbit/s the phone reports a downlink the player treats as slow, while
# the unthrottled test server still answers quickly enough for a test.
SLOW_LINK = {
    "offline": False,
    "latency": 20,
    "downloadThroughput": 900_000 / 8,
    "uploadThroughput": 500_000 / 8,
}

GOOD_LINK = {
    "offline": False,
    "latency": 5,
    "downloadThroughput": 20_000_000 / 8,
    "uploadThroughput": 5_000_000 / 8,
}

TRACK_MODE = "document.querySelector('video').textTracks[0].mode"


@pytest.fixture
def two_rung_lesson():
    # 640x360 gets two rungs (270p and 360p), so the starting rung is a choice.
    video = transcoded_video(duration=4, size="640x360")
    assert video.renditions.count() == 2
    return story_lesson(video=video)


def open_video_step(page, url):
    page.goto(url)
    press_continue(page)


def test_captions_and_speed_are_remembered_and_a_slow_phone_starts_low(
    phone_page, live_server, two_rung_lesson
):
    page = phone_page
    sign_in(page, live_server, learner())
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_LINK)
    weigher = PageWeigher(page)

    open_video_step(page, two_rung_lesson.url)
    captions = page.get_by_role("button", name="字幕")
    assert captions.get_attribute("aria-pressed") == "true"
    assert page.evaluate(TRACK_MODE) == "showing"
    captions.click()
    page.get_by_label("播放速度").select_option("1.5")
    page.get_by_role("button", name="播放").click()
    page.wait_for_function("document.querySelector('video').currentTime > 0.3")

    video = page.locator("video")
    assert page.evaluate(TRACK_MODE) == "disabled"
    assert page.evaluate("document.querySelector('video').playbackRate") == 1.5
    assert video.get_attribute("data-start-level") == "0"
    first_segment = next(u for u in weigher.urls() if u.endswith(".m4s"))
    assert "/270p/" in first_segment

    open_video_step(page, two_rung_lesson.url)  # the next visit on this phone

    assert page.get_by_role("button", name="字幕").get_attribute("aria-pressed") == (
        "false"
    )
    assert page.evaluate(TRACK_MODE) == "disabled"
    assert page.get_by_label("播放速度").input_value() == "1.5"


def test_a_phone_on_a_good_link_lets_hls_js_choose_and_the_clip_limits_hold(
    phone_page, live_server
):
    # The trainer chose seconds 2-3 of the 4 s video.
    lesson = story_lesson(
        video=transcoded_video(duration=4, size="640x360"), start=2, end=3
    )
    page = phone_page
    sign_in(page, live_server, learner())
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", GOOD_LINK)

    open_video_step(page, lesson.url)
    page.get_by_role("button", name="播放").click()
    page.wait_for_function("document.querySelector('video').currentTime > 0")

    assert page.locator("video").get_attribute("data-start-level") == "auto"
    assert page.evaluate("document.querySelector('video').currentTime") >= 1.9
    page.wait_for_function("document.querySelector('video').paused")
    stopped_at = page.evaluate("document.querySelector('video').currentTime")
    assert 3 <= stopped_at < 3.5


def test_without_hls_js_the_browser_plays_the_ladder_itself_or_the_mp4(
    phone_page, live_server
):
    page = phone_page
    sign_in(page, live_server, learner())
    lesson = story_lesson(video=transcoded_video(duration=4, size="320x240"))
    page.route("**/hls.light*.js", lambda route: route.abort())

    open_video_step(page, lesson.url)
    page.get_by_role("button", name="播放").click()
    page.wait_for_function("document.querySelector('video').currentTime > 0.5")

    native_hls = page.evaluate(
        "document.createElement('video').canPlayType('application/vnd.apple.mpegurl')"
    )
    expected = "native" if native_hls else "mp4"
    assert page.locator("video").get_attribute("data-engine") == expected


def test_the_mp4_plays_when_the_ladder_fails(phone_page, live_server):
    page = phone_page
    sign_in(page, live_server, learner())
    lesson = story_lesson(video=transcoded_video(duration=4, size="320x240"))
    page.route("**/master.m3u8", lambda route: route.abort())

    open_video_step(page, lesson.url)
    page.get_by_role("button", name="播放").click()
    page.wait_for_function("document.querySelector('video').currentTime > 0.5")

    assert page.locator("video").get_attribute("data-engine") == "mp4"
