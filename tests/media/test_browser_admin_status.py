"""In chromium: the admin listing's status follows the transcode without a reload,
and the edit page reloads itself when the video is ready."""

import pytest

from media.models import Video
from tests.media.factories import VideoFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


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
