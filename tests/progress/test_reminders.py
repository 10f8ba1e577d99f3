"""Reminders and urges reach only workers in scope (two streets); quiet hours; inbox."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.http import Http404

from progress.models import Notification, Urge
from progress.services.assignments import assignment_create
from progress.services.reminders import (
    deliver_time,
    notifications_email_due,
    notifications_for,
    reminders_create,
    urge_send,
)
from tests.factories import learner, neighbourhood, street, supervisor, trainer
from tests.lessons.factories import CoursePageFactory, LessonPageFactory

pytestmark = pytest.mark.django_db

# 09:00 in Shanghai on 2 December 2026.
MORNING = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
TODAY = date(2026, 12, 2)


@pytest.fixture
def two_streets():
    jiangpu, wujiaochang = street("江浦路街道"), street("五角场街道")
    course = CoursePageFactory()
    LessonPageFactory(parent=course)
    workers = {
        "jiangpu": learner(org_unit=neighbourhood(parent=jiangpu)),
        "wujiaochang": learner(org_unit=neighbourhood(parent=wujiaochang)),
    }
    assignment = assignment_create(
        creator=trainer(),
        title="三微治理入门",
        course=course,
        org_units=[jiangpu, wujiaochang],
        due_date=TODAY - timedelta(days=1),
    )
    return {
        "jiangpu": jiangpu,
        "wujiaochang": wujiaochang,
        "workers": workers,
        "assignment": assignment,
        "course": course,
    }


def test_the_morning_job_notifies_overdue_workers_once(two_streets):
    assert reminders_create(now=MORNING) == 2
    assert reminders_create(now=MORNING) == 0
    for worker in two_streets["workers"].values():
        (note,) = notifications_for(viewer=worker, now=MORNING)
        assert note.kind == Notification.Kind.OVERDUE


def test_due_soon_work_gets_a_due_soon_reminder():
    unit = neighbourhood()
    course = CoursePageFactory()
    LessonPageFactory(parent=course)
    worker = learner(org_unit=unit)
    assignment_create(
        creator=trainer(),
        title="即将到期",
        course=course,
        org_units=[unit],
        due_date=TODAY + timedelta(days=3),
    )
    reminders_create(now=MORNING)
    (note,) = notifications_for(viewer=worker, now=MORNING)
    assert note.kind == Notification.Kind.DUE_SOON


def test_an_urge_reaches_only_workers_in_the_senders_street(two_streets):
    boss = supervisor(org_unit=two_streets["jiangpu"])
    mine = two_streets["workers"]["jiangpu"]
    theirs = two_streets["workers"]["wujiaochang"]
    with pytest.raises(Http404):
        urge_send(sender=boss, worker_ids=[mine.pk, theirs.pk], now=MORNING)
    assert not Urge.objects.exists()
    result = urge_send(sender=boss, worker_ids=[mine.pk], now=MORNING)
    assert result.sent == [mine.pk]
    assert notifications_for(viewer=theirs, now=MORNING).count() == 0
    urge = Urge.objects.get()
    assert (urge.sender, urge.worker, urge.day) == (boss, mine, TODAY)
    (note,) = notifications_for(viewer=mine, now=MORNING)
    assert note.kind == Notification.Kind.URGE


def test_one_urge_per_worker_per_day(two_streets):
    mine = two_streets["workers"]["jiangpu"]
    first = supervisor(org_unit=two_streets["jiangpu"])
    second = supervisor(org_unit=two_streets["jiangpu"])
    urge_send(sender=first, worker_ids=[mine.pk], now=MORNING)
    again = urge_send(sender=second, worker_ids=[mine.pk], now=MORNING)
    assert again.already_urged_today == [mine.pk]
    assert Urge.objects.count() == 1
    tomorrow = urge_send(
        sender=second, worker_ids=[mine.pk], now=MORNING + timedelta(days=1)
    )
    assert tomorrow.sent == [mine.pk]


def test_an_urge_skips_a_worker_with_nothing_overdue(two_streets):
    unit = neighbourhood(parent=two_streets["jiangpu"])
    relaxed = learner(org_unit=unit)
    from tests.progress.factories import completed

    completed(relaxed, two_streets["course"].get_children().first().specific)
    boss = supervisor(org_unit=two_streets["jiangpu"])
    result = urge_send(sender=boss, worker_ids=[relaxed.pk], now=MORNING)
    assert result.not_overdue == [relaxed.pk]


def test_a_learner_cannot_urge(two_streets):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        urge_send(
            sender=two_streets["workers"]["jiangpu"],
            worker_ids=[two_streets["workers"]["wujiaochang"].pk],
        )


def test_quiet_hours_hold_a_notification_until_eight(two_streets):
    late = datetime(2026, 12, 2, 14, 30, tzinfo=UTC)  # 22:30 in Shanghai
    assert deliver_time(late) == datetime(2026, 12, 2, 0, 0, tzinfo=UTC) + timedelta(
        days=1
    )
    boss = supervisor(org_unit=two_streets["jiangpu"])
    mine = two_streets["workers"]["jiangpu"]
    urge_send(sender=boss, worker_ids=[mine.pk], now=late)
    assert not notifications_for(viewer=mine, now=late).exists()
    assert notifications_for(viewer=mine, now=late + timedelta(hours=10)).exists()


def test_reminders_are_emailed_when_mail_is_configured(two_streets, settings):
    settings.PROGRESS_EMAIL_REMINDERS = True
    reminders_create(now=MORNING)
    assert notifications_email_due(now=MORNING) == 2
    assert notifications_email_due(now=MORNING) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        w.email for w in two_streets["workers"].values()
    )


def test_no_email_without_mail_settings(two_streets):
    reminders_create(now=MORNING)
    assert notifications_email_due(now=MORNING) == 0
    assert mail.outbox == []
