"""Thin Celery tasks: the morning reminders and the reminder emails."""

from celery import shared_task

from progress.services.reminders import notifications_email_due, reminders_create


@shared_task
def morning_reminders() -> int:
    return reminders_create()


@shared_task
def email_reminders() -> int:
    return notifications_email_due()
