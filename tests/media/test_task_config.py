"""The transcode task's delivery settings: what makes a killed job come back."""

from django.conf import settings

from config.celery import app
from media.tasks import reconcile_videos, transcode_video


def test_transcode_task_acks_late_and_is_rejected_when_its_worker_is_lost():
    assert transcode_video.acks_late is True
    assert transcode_video.reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_transcode_task_goes_to_the_dedicated_queue():
    route = app.amqp.router.route({}, transcode_video.name)
    assert route["queue"].name == "transcode"
    assert app.amqp.router.route({}, reconcile_videos.name)["queue"].name == "default"


def test_reconciliation_is_scheduled():
    schedule = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "media.tasks.reconcile_videos" in schedule
