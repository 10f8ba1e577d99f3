"""In chromium: the admin listing's status follows the transcode without a reload,
and the edit page reloads itself when the video is ready."""

import pytest

from media.models import Video
from tests.factories import DEFAULT_PASSWORD, trainer
from tests.media.factories import VideoFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def admin_page(chromium_browser, live_server):
    context = chromium_browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="zh-CN",
        base_url=live_server.url,
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(20_000)
    user = trainer()
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_selector(".w-dashboard")
    yield page
    context.close()


def test_listing_status_follows_the_transcode(admin_page):
    video = VideoFactory(title="楼组众筹", status=Video.Status.PROCESSING, progress=10)
    admin_page.goto("/admin/media/")
    status = admin_page.locator(f"#media_{video.pk}_status [data-video-id]")
    assert status.inner_text().strip() == "转码中 10%"

    Video.objects.filter(pk=video.pk).update(progress=55)
    admin_page.wait_for_function(
        "el => el.textContent.includes('55%')", arg=status.element_handle()
    )
    Video.objects.filter(pk=video.pk).update(status=Video.Status.READY, progress=100)
    admin_page.wait_for_function(
        "el => el.dataset.videoStatus === 'ready'", arg=status.element_handle()
    )
    assert status.inner_text().strip() == "可播放"


def test_edit_page_reloads_when_the_transcode_fails(admin_page):
    video = VideoFactory(status=Video.Status.PROCESSING, progress=30)
    admin_page.goto(f"/admin/media/edit/{video.pk}/")
    assert admin_page.locator("#video-transcode form").count() == 0  # no retry yet

    Video.objects.filter(pk=video.pk).update(
        status=Video.Status.FAILED, error="文件中没有画面。"
    )
    # The page reloads itself and now offers the retry button and the reason.
    admin_page.locator("#video-transcode form button").wait_for()
    assert "文件中没有画面。" in admin_page.locator("#video-transcode").inner_text()
