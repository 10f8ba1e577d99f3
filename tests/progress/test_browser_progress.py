"""On a 390x844 phone: offline mid-video, seeking to the end, 2x playback, resume.

The page's tick is shortened to one second (window.WKT_PROGRESS_TICK_MS) so a
six-second clip gives several ticks; "within one tick" is then one second.
"""

import pytest

from progress.intervals import covered
from progress.models import LessonProgress
from tests.factories import learner
from tests.lessons.demo_video import transcoded_video
from tests.lessons.factories import LessonPageFactory, Script
from tests.lessons.test_browser_lesson import sign_in
from tests.progress.factories import video_block_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TICK_SECONDS = 1.0
FAST_TICKS = "window.WKT_PROGRESS_TICK_MS = 1000; window.WKT_PROGRESS_FLUSH_MS = 1000;"
QUEUE_EMPTY = (
    "JSON.parse(localStorage.getItem('wkt.progress.queue') || '[]').length === 0"
)
VIDEO = "document.querySelector('video')"


@pytest.fixture
def video_lesson_page():
    video = transcoded_video(duration=6)
    return LessonPageFactory(script=Script().video(video).build())


def open_and_play(page, live_server, lesson, user, *, rate=None):
    sign_in(page, live_server, user)
    page.add_init_script(FAST_TICKS)
    page.goto(lesson.url)
    page.wait_for_selector("[data-progress-ready]", state="attached")
    if rate:
        page.get_by_label("播放速度").select_option(rate)
    page.get_by_role("button", name="播放").click()
    page.wait_for_function(f"{VIDEO}.currentTime > 0.3", timeout=30_000)


def wait_sent(page):
    page.wait_for_function(f"{VIDEO}.ended", timeout=30_000)
    page.wait_for_function(QUEUE_EMPTY, timeout=30_000)


def played_seconds(page) -> float:
    return page.evaluate(
        f"(() => {{ const p = {VIDEO}.played; let s = 0;"
        " for (let i = 0; i < p.length; i++) s += p.end(i) - p.start(i); return s })()"
    )


def row_of(user, lesson) -> LessonProgress:
    return LessonProgress.objects.get(user=user, lesson=lesson)


def test_offline_mid_video_keeps_playing_and_the_server_gets_every_second(
    phone_page, live_server, video_lesson_page
):
    page, user = phone_page, learner()
    open_and_play(page, live_server, video_lesson_page, user)
    # Offline once the clip is buffered: the video plays on from its buffer.
    page.wait_for_function(
        f"{VIDEO}.buffered.length && {VIDEO}.buffered.end(0) >= {VIDEO}.duration - 0.2",
        timeout=30_000,
    )
    page.context.set_offline(True)
    offline_at = page.evaluate(f"{VIDEO}.currentTime")
    page.wait_for_function(f"{VIDEO}.currentTime > {offline_at} + 2", timeout=20_000)
    assert page.evaluate(f"!{VIDEO}.paused")
    # Ticks made offline wait in the phone's storage.
    page.wait_for_function(f"!({QUEUE_EMPTY})")
    page.context.set_offline(False)
    wait_sent(page)
    played = played_seconds(page)
    row = row_of(user, video_lesson_page)
    server = covered(row.coverage[video_block_id(video_lesson_page)])
    assert abs(server - played) <= TICK_SECONDS, (server, played, row.coverage)
    assert row.status == LessonProgress.Status.COMPLETED


def test_seeking_to_the_end_does_not_complete(
    phone_page, live_server, video_lesson_page
):
    page, user = phone_page, learner()
    open_and_play(page, live_server, video_lesson_page, user)
    page.evaluate(f"{VIDEO}.currentTime = {VIDEO}.duration - 0.5")
    wait_sent(page)
    row = row_of(user, video_lesson_page)
    assert row.status == LessonProgress.Status.STARTED
    assert row.watched_seconds < 3


def test_playing_the_whole_video_at_2x_completes(
    phone_page, live_server, video_lesson_page
):
    page, user = phone_page, learner()
    open_and_play(page, live_server, video_lesson_page, user, rate="2")
    assert page.evaluate(f"{VIDEO}.playbackRate") == 2
    wait_sent(page)
    row = row_of(user, video_lesson_page)
    assert row.status == LessonProgress.Status.COMPLETED


def test_reopening_the_lesson_resumes_at_the_last_position(
    phone_page, live_server, video_lesson_page
):
    page, user = phone_page, learner()
    open_and_play(page, live_server, video_lesson_page, user)
    page.wait_for_function(f"{VIDEO}.currentTime > 3", timeout=20_000)
    page.evaluate(f"{VIDEO}.pause()")
    page.wait_for_function(QUEUE_EMPTY)
    paused_at = page.evaluate(f"{VIDEO}.currentTime")
    # Another phone: a fresh browser context with the same account.
    other = page.context.browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        base_url=live_server.url,
        bypass_csp=True,  # wait_for_function evaluates a string
    )
    try:
        phone = other.new_page()
        sign_in(phone, live_server, user)
        phone.goto(video_lesson_page.url)
        phone.wait_for_selector("[data-progress-ready]", state="attached")
        resumed = float(phone.locator("video").get_attribute("data-resumed"))
        assert abs(resumed - paused_at) < 0.6
        phone.get_by_role("button", name="播放").click()
        phone.wait_for_function(
            f"{VIDEO}.currentTime >= {resumed} - 0.5", timeout=20_000
        )
    finally:
        other.close()
