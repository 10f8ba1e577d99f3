from dataclasses import asdict

from celery import shared_task
from django.utils import timezone

from cms.accounts.login_records import login_records_expire


@shared_task(name="cms.accounts.tasks.expire_login_records")
def expire_login_records() -> dict[str, int]:
    # Idempotent (a delete by age), so a redelivery after a lost worker is harmless.
    return asdict(login_records_expire(now=timezone.now()))
