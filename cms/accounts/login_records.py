"""Retention of django-axes' login records.

Axes drops a user's expired failures only when that user tries again, and keeps
every login log forever. The records hold IP addresses and user agents (personal
information), so they are kept no longer than they are useful.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction


@dataclass(frozen=True)
class ExpiredLoginRecords:
    attempts: int
    logs: int
    failure_logs: int


@transaction.atomic
def login_records_expire(
    *, now: datetime, log_retention: timedelta | None = None
) -> ExpiredLoginRecords:
    """Delete failure counts past their cool-off and logs past their retention."""
    if log_retention is None:
        log_retention = timedelta(days=settings.WEIKETANG_LOGIN_LOG_RETENTION_DAYS)
    cool_off = get_cool_off() or timedelta(0)
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=now - cool_off).delete()
    logs, _ = AccessLog.objects.filter(attempt_time__lt=now - log_retention).delete()
    failure_logs, _ = AccessFailureLog.objects.filter(
        attempt_time__lt=now - log_retention
    ).delete()
    return ExpiredLoginRecords(attempts=attempts, logs=logs, failure_logs=failure_logs)
