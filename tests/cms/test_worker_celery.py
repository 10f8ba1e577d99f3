"""A real Celery task through Redis to a real worker process, seen in PostgreSQL."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from cms.accounts.tasks import expire_login_records
from config.celery import app


def test_celery_delivery_settings_survive_a_lost_worker():
    conf = app.conf
    assert conf.task_acks_late is True
    # Without this, the task of a killed child is acknowledged and lost.
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1


def test_visibility_timeouts_are_equal_and_outlast_the_longest_task():
    hard_limit = settings.CELERY_TASK_HARD_TIME_LIMIT_MAX
    timeouts = {
        "broker": app.conf.broker_transport_options.get("visibility_timeout"),
        "result": app.conf.result_backend_transport_options.get("visibility_timeout"),
        "settings": settings.CELERY_VISIBILITY_TIMEOUT,
    }
    assert len(set(timeouts.values())) == 1, timeouts
    assert timeouts["broker"] > hard_limit


def test_expiry_runs_on_a_schedule():
    entries = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert expire_login_records.name in entries


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_deletes_expired_login_records_in_postgresql(celery_worker_process):
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    fields = {
        "ip_address": "203.0.113.5",
        "user_agent": "test",
        "http_accept": "*/*",
        "path_info": "/accounts/login/",
        "get_data": "",
        "post_data": "",
        "failures_since_start": 5,
    }
    expired = AccessAttempt.objects.create(username="expired", **fields)
    AccessAttempt.objects.filter(pk=expired.pk).update(
        attempt_time=timezone.now() - cool_off - timedelta(minutes=1)
    )
    AccessAttempt.objects.create(username="current", **fields)

    expire_login_records.delay()

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if not AccessAttempt.objects.filter(username="expired").exists():
            break
        time.sleep(0.2)
    else:
        pytest.fail("the worker did not delete the expired attempt within 30 s")
    assert AccessAttempt.objects.filter(username="current").exists()
