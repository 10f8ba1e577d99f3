"""The video player on a phone: delivery by length (MP4 or hls.js), lazy poster and
captions, remembered captions and speed, a low start when slow, the data label."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

from tests.factories import learner
from tests.lessons.demo_video import CAPTION_TEXT, transcoded_video
from tests.lessons.stories import story_lesson
from tests.lessons.test_browser_lesson import press_continue, sign_in
from tests.lessons.weigh import PageWeigher, WireCounter

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
CUE_SHOWING = (
    "(() => { const t = document.querySelector('video').textTracks[0];"
    " return t.mode === 'showing' && t.activeCues && t.activeCues.length > 0 })()"
)
ACTIVE_CUE = "document.querySelector('video').textTracks[0].activeCues[0].text"
STREAMS = (".m3u8", ".m4s", "hls.light.min.js")


@pytest.fixture
def streamed(settings):
    """Every video is "long": the player streams it through hls.js."""
    settings.LESSON_DIRECT_MP4_MAX_SECONDS = 1


@pytest.fixture
def two_rung_lesson():
    # 640x360 gets two rungs (270p and 360p), so the starting rung is a choice.
    video = transcoded_video(duration=4, size="640x360")
    assert video.renditions.count() == 2
    return story_lesson(video=video)


def open_video_step(page, url):
    page.goto(url)
    press_continue(page)
    page.wait_for_selector("[data-player][data-reached]", state="attached")


def is_poster_or_caption(url: str) -> bool:
    return url.split("?")[0].endswith((".jpg", ".vtt"))


def test_a_short_video_plays_its_mp4_directly_with_captions(phone_page, live_server):
    page = phone_page
    sign_in(page, live_server, learner())
    lesson = story_lesson(video=transcoded_video(duration=4, size="320x240"))
    weigher = PageWeigher(page)

    open_video_step(page, lesson.url)
    page.get_by_role("button", name="播放").click()
    page.wait_for_function("document.querySelector('video').currentTime > 0.5")

    assert page.locator("video").get_attribute("data-engine") == "mp4"
    page.wait_for_function(CUE_SHOWING)
    assert page.evaluate(ACTIVE_CUE) == CAPTION_TEXT
    assert not [u for u in weigher.urls() if u.endswith(STREAMS)]
    assert page.evaluate("typeof window.Hls") == "undefined"


def test_a_long_video_streams_through_hls_js_with_captions(
    phone_page, live_server, streamed
):
    page = phone_page
    sign_in(page, live_server, learner())
    lesson = story_lesson(video=transcoded_video(duration=4, size="320x240"))
    weigher = PageWeigher(page)

    open_video_step(page, lesson.url)
    page.get_by_role("button", name="播放").click()
    page.wait_for_function("document.querySelector('video').currentTime > 0.5")

    assert page.locator("video").get_attribute("data-engine") == "hls.js"
    page.wait_for_function(CUE_SHOWING)
    assert page.evaluate(ACTIVE_CUE) == CAPTION_TEXT
    assert any(u.endswith(".m4s") for u in weigher.urls())
    assert not [u for u in weigher.urls() if u.endswith(".mp4") and "fallback" in u]


def test_poster_and_captions_are_fetched_only_once_the_video_step_is_reached(
    phone_page, live_server
):
    page = phone_page
    sign_in(page, live_server, learner())
    video = transcoded_video(duration=2, size="320x240")
    assert video.poster_name and video.captions.exists()
    lesson = story_lesson(video=video)  # the video is the story's second step
    weigher = PageWeigher(page)

    page.goto(lesson.url)
    page.wait_for_load_state("networkidle")
    assert not [u for u in weigher.urls() if is_poster_or_caption(u)]
    assert page.locator("video").get_attribute("poster") is None
    poster = page.locator("video").get_attribute("data-poster")

    with page.expect_request(lambda r: r.url.endswith(".vtt")):
        with page.expect_request(lambda r: r.url == live_server.url + poster):
            press_continue(page)
    assert page.locator("video").get_attribute("poster") == poster
    assert not [u for u in weigher.urls() if u.endswith((".mp4", *STREAMS))]


def test_a_good_link_fetches_hls_js_in_the_background_for_a_long_video(
    phone_page, live_server, streamed
):
    page = phone_page
    sign_in(page, live_server, learner())
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", GOOD_LINK)
    lesson = story_lesson(video=transcoded_video(duration=2, size="320x240"))

    page.goto(lesson.url)

    # Idle after load, before the learner has reached the video or pressed play.
    page.wait_for_function("typeof window.Hls === 'function'")
    assert page.get_by_role("button", name="播放").is_hidden()


def measured_megabytes(label: str) -> float:
    return float(re.search(r"视频流量约 ([0-9.]+) MB", label).group(1))


def test_the_data_label_is_what_playing_the_mp4_transfers(phone_page, live_server):
    page = phone_page
    sign_in(page, live_server, learner())
    lesson = story_lesson(video=transcoded_video(duration=8, size="640x360"))
    wire = WireCounter(page)

    open_video_step(page, lesson.url)
    label = page.locator(".lesson .meta").first.inner_text()
    page.get_by_label("播放速度").select_option("2")
    pressed = wire.mark()
    page.get_by_role("button", name="播放").click()
    page.wait_for_function("document.querySelector('video').ended", timeout=30_000)
    page.wait_for_function(
        "performance.getEntriesByType('resource').some(e => e.name.includes('.mp4'))"
    )

    played = sum(n for _, n in wire.since(pressed))
    assert page.locator("video").get_attribute("data-engine") == "mp4"
    assert abs(lesson.data_cost_bytes - played) <= 0.1 * played, (
        lesson.data_cost_bytes,
        played,
    )
    assert measured_megabytes(label) == round(lesson.data_cost_bytes / 1e6, 1)


def test_the_data_label_of_a_streamed_video_counts_hls_js(
    phone_page, live_server, streamed
):
    page = phone_page
    sign_in(page, live_server, learner())
    lesson = story_lesson(video=transcoded_video(duration=8, size="640x360"))
    wire = WireCounter(page)

    open_video_step(page, lesson.url)
    page.get_by_label("播放速度").select_option("2")
    pressed = wire.mark()
    page.get_by_role("button", name="播放").click()
    page.wait_for_function("document.querySelector('video').ended", timeout=30_000)

    fetched = wire.since(pressed)
    assert page.locator("video").get_attribute("data-engine") == "hls.js"
    # The test server sends hls.js uncompressed; production sends it gzipped.
    with open(finders.find("vendor/hls.light.min.js"), "rb") as handle:
        script_sent = len(gzip.compress(handle.read(), compresslevel=6))
    media = sum(n for url, n in fetched if "hls.light" not in url)
    played = media + script_sent
    assert abs(lesson.data_cost_bytes - played) <= 0.15 * played, (
        lesson.data_cost_bytes,
        played,
    )


def test_captions_and_speed_are_remembered_and_a_slow_phone_starts_low(
    phone_page, live_server, two_rung_lesson, streamed
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
    phone_page, live_server, streamed
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
    phone_page, live_server, streamed
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


def test_the_mp4_plays_when_the_ladder_fails(phone_page, live_server, streamed):
    page = phone_page
    sign_in(page, live_server, learner())
    lesson = story_lesson(video=transcoded_video(duration=4, size="320x240"))
    page.route("**/master.m3u8", lambda route: route.abort())

    open_video_step(page, lesson.url)
    page.get_by_role("button", name="播放").click()
    page.wait_for_function("document.querySelector('video').currentTime > 0.5")

    assert page.locator("video").get_attribute("data-engine") == "mp4"
