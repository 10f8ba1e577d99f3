"""Retention of login records: failures past their cool-off, logs past retention."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.test import override_settings
from django.utils import timezone

from cms.accounts.login_records import login_records_expire

pytestmark = pytest.mark.django_db


def make_record(model, *, age: timedelta, username: str, **extra):
    record = model.objects.create(
        username=username,
        ip_address="203.0.113.5",
        user_agent="test",
        http_accept="*/*",
        path_info="/accounts/login/",
        **extra,
    )
    # attempt_time is auto_now_add: move it back with an UPDATE.
    model.objects.filter(pk=record.pk).update(attempt_time=timezone.now() - age)
    return record


def make_attempt(*, age: timedelta, username: str) -> AccessAttempt:
    return make_record(
        AccessAttempt,
        age=age,
        username=username,
        get_data="",
        post_data="",
        failures_since_start=3,
    )


@override_settings(AXES_COOLOFF_TIME=timedelta(minutes=15))
def test_attempts_past_the_cool_off_are_deleted_and_recent_ones_kept():
    make_attempt(age=timedelta(minutes=16), username="old")
    make_attempt(age=timedelta(minutes=5), username="recent")
    result = login_records_expire(now=timezone.now())
    assert result.attempts == 1
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["recent"]


def test_logs_past_retention_are_deleted_and_recent_ones_kept():
    make_record(AccessLog, age=timedelta(days=91), username="old")
    make_record(AccessLog, age=timedelta(days=10), username="recent")
    make_record(AccessFailureLog, age=timedelta(days=91), username="old")
    make_record(AccessFailureLog, age=timedelta(days=10), username="recent")
    result = login_records_expire(now=timezone.now(), log_retention=timedelta(days=90))
    assert (result.logs, result.failure_logs) == (1, 1)
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["recent"]
    assert list(AccessFailureLog.objects.values_list("username", flat=True)) == [
        "recent"
    ]


def test_retention_defaults_to_the_setting():
    make_record(AccessLog, age=timedelta(days=8), username="old")
    with override_settings(WEIKETANG_LOGIN_LOG_RETENTION_DAYS=7):
        assert login_records_expire(now=timezone.now()).logs == 1
