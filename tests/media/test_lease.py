"""The lease heartbeat and the task's time limits."""

import time

import pytest
from django.conf import settings
from django.test import override_settings

from media.models import Video
from media.services import video_claim, video_transcode_time_limits
from media.services.transcoding import LeaseHeartbeat
from tests.media.factories import VideoFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(MEDIA_TRANSCODE_LEASE_SECONDS=1)
def test_heartbeat_renews_the_lease_and_notices_a_lost_claim():
    video = VideoFactory()
    token = video_claim(video_id=video.pk)
    first = Video.objects.get(pk=video.pk).lease_expires_at
    heartbeat = LeaseHeartbeat(video_id=video.pk, token=token)
    heartbeat.start()
    try:
        time.sleep(1.2)
        assert Video.objects.get(pk=video.pk).lease_expires_at > first
        assert not heartbeat.lost.is_set()

        Video.objects.filter(pk=video.pk).update(claim_token="someone-else")
        assert heartbeat.lost.wait(timeout=3)
    finally:
        heartbeat.stop()


@pytest.mark.parametrize("duration", [1.0, 60.0, 600.0, None])
def test_time_limits_scale_with_duration_and_stay_below_the_visibility_timeout(
    duration,
):
    duration = duration or settings.MEDIA_MAX_DURATION_SECONDS
    ffmpeg, soft, hard = video_transcode_time_limits(duration=duration)
    assert ffmpeg < soft < hard <= settings.CELERY_TASK_HARD_TIME_LIMIT_MAX
    assert hard < settings.CELERY_VISIBILITY_TIMEOUT
    assert (
        settings.CELERY_BROKER_TRANSPORT_OPTIONS.get(
            "visibility_timeout", settings.CELERY_VISIBILITY_TIMEOUT
        )
        == settings.CELERY_VISIBILITY_TIMEOUT
    )


def test_longer_sources_get_longer_limits():
    short = video_transcode_time_limits(duration=10)
    long = video_transcode_time_limits(duration=300)
    assert long[0] > short[0] and long[2] > short[2]
