"""The claim: one conditional UPDATE, exclusive, counting attempts, with a lease."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from media.models import Video
from media.services import video_claim, video_take_over_dead_claim
from tests.media.factories import VideoFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_claims_one_wins():
    video = VideoFactory()
    barrier = threading.Barrier(8)
    tokens = []

    def claim():
        try:
            barrier.wait()
            tokens.append(video_claim(video_id=video.pk, worker="thread"))
        finally:
            connection.close()  # each thread used its own connection

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [token for token in tokens if token]
    assert len(tokens) == 8
    assert len(winners) == 1
    video.refresh_from_db()
    assert (video.status, video.attempts) == (Video.Status.PROCESSING, 1)
    assert video.claim_token == winners[0]


@pytest.mark.django_db
def test_claim_sets_a_lease_and_counts_the_attempt():
    video = VideoFactory()
    now = timezone.now()
    token = video_claim(video_id=video.pk, worker="w1:42", now=now)
    video.refresh_from_db()
    assert token and video.claim_token == token
    assert video.claimed_by == "w1:42"
    assert video.attempts == 1
    assert video.lease_expires_at > now


@pytest.mark.django_db
def test_a_live_lease_blocks_a_second_claim():
    video = VideoFactory()
    video_claim(video_id=video.pk)
    assert video_claim(video_id=video.pk) is None


@pytest.mark.django_db
def test_an_expired_lease_can_be_claimed_again():
    video = VideoFactory()
    first = video_claim(video_id=video.pk)
    later = timezone.now() + timedelta(hours=1)
    second = video_claim(video_id=video.pk, now=later)
    video.refresh_from_db()
    assert second and second != first
    assert video.attempts == 2


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Video.Status.READY, Video.Status.FAILED])
def test_finished_rows_are_not_claimed(status):
    video = VideoFactory(status=status)
    assert video_claim(video_id=video.pk) is None
    video.refresh_from_db()
    assert (video.status, video.attempts) == (status, 0)


@pytest.mark.django_db
@override_settings(MEDIA_TRANSCODE_MAX_ATTEMPTS=3)
def test_poison_file_stops_at_the_attempts_limit_with_a_reason():
    video = VideoFactory()
    later = timezone.now()
    for _ in range(3):  # each attempt "kills its worker": the lease just expires
        assert video_claim(video_id=video.pk, now=later)
        later += timedelta(hours=1)

    assert video_claim(video_id=video.pk, now=later) is None
    video.refresh_from_db()
    assert video.status == Video.Status.FAILED
    assert video.attempts == 3
    assert "3" in video.error and video.claim_token == ""


def _dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _live_child():
    import subprocess
    import sys

    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])


@pytest.mark.django_db
def test_a_dead_process_of_the_same_worker_loses_its_claim_at_once():
    video = VideoFactory()
    video_claim(video_id=video.pk, worker=f"celery@host:{_dead_pid()}")

    assert video_take_over_dead_claim(video_id=video.pk, worker="celery@host:1")
    assert video_claim(video_id=video.pk, worker="celery@host:1")
    video.refresh_from_db()
    assert (video.claimed_by, video.attempts) == ("celery@host:1", 2)


@pytest.mark.django_db
def test_a_live_holder_keeps_its_claim():
    video = VideoFactory()
    holder = _live_child()
    try:
        token = video_claim(video_id=video.pk, worker=f"celery@host:{holder.pid}")
        assert not video_take_over_dead_claim(video_id=video.pk, worker="celery@host:1")
    finally:
        holder.kill()
        holder.wait()
    video.refresh_from_db()
    assert video.claim_token == token


@pytest.mark.django_db
def test_another_machines_claim_is_left_to_its_lease():
    video = VideoFactory()
    token = video_claim(video_id=video.pk, worker=f"celery@elsewhere:{_dead_pid()}")
    assert not video_take_over_dead_claim(video_id=video.pk, worker="celery@host:1")
    video.refresh_from_db()
    assert video.claim_token == token


@pytest.mark.django_db
def test_a_zombie_holder_counts_as_dead():
    import subprocess
    import sys

    video = VideoFactory()
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        import time

        time.sleep(0.5)  # it has exited, but nobody has reaped it yet
        video_claim(video_id=video.pk, worker=f"celery@host:{zombie.pid}")
        assert video_take_over_dead_claim(video_id=video.pk, worker="celery@host:1")
    finally:
        zombie.wait()
