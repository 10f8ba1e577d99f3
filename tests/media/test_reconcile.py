"""Reconciliation re-sends the task for rows stuck in queued or processing."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from media.models import Video
from media.services import video_claim, video_reconcile
from tests.media.factories import VideoFactory

pytestmark = pytest.mark.django_db


def test_processing_row_with_expired_lease_is_requeued_and_resent(
    transcode_queue, django_capture_on_commit_callbacks
):
    video = VideoFactory()
    video_claim(video_id=video.pk)  # its worker then dies: no more renewals
    later = timezone.now() + timedelta(hours=1)

    with django_capture_on_commit_callbacks(execute=True):
        resent = video_reconcile(now=later)

    video.refresh_from_db()
    assert resent == 1
    assert (video.status, video.claim_token) == (Video.Status.QUEUED, "")
    assert video.attempts == 1  # counted; the next claim makes it 2
    assert transcode_queue.video_ids() == [video.pk]


def test_processing_row_with_live_lease_is_left_alone(
    transcode_queue, django_capture_on_commit_callbacks
):
    video = VideoFactory()
    token = video_claim(video_id=video.pk)

    with django_capture_on_commit_callbacks(execute=True):
        assert video_reconcile() == 0

    video.refresh_from_db()
    assert (video.status, video.claim_token) == (Video.Status.PROCESSING, token)
    assert len(transcode_queue) == 0


@override_settings(MEDIA_RECONCILE_QUEUED_AFTER_SECONDS=600)
def test_only_long_queued_rows_are_resent(
    transcode_queue, django_capture_on_commit_callbacks
):
    now = timezone.now()
    stuck = VideoFactory()
    fresh = VideoFactory()
    Video.objects.filter(pk=stuck.pk).update(queued_at=now - timedelta(minutes=11))
    Video.objects.filter(pk=fresh.pk).update(queued_at=now - timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert video_reconcile(now=now) == 1

    assert transcode_queue.video_ids() == [stuck.pk]
    stuck.refresh_from_db()
    assert stuck.queued_at == now  # waits another period before the next re-send


def test_ready_and_failed_rows_are_never_resent(
    transcode_queue, django_capture_on_commit_callbacks
):
    VideoFactory(status=Video.Status.READY)
    VideoFactory(status=Video.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        assert video_reconcile(now=timezone.now() + timedelta(days=1)) == 0
    assert len(transcode_queue) == 0
