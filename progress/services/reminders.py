"""Reminders: the morning job, supervisors' urges (督学提醒), the worker's inbox.

- reminders_create(): run by Celery beat each morning (Asia/Shanghai); one
  in-app notification per worker for work due soon (once per due date) and
  overdue (once a week while it stays overdue). Keys make a second run a no-op.
- urge_send(): a supervisor urges overdue workers in their own scope; at most
  one urge per worker per day (whoever sends it), recorded with sender and time.
- Quiet hours (PROGRESS_QUIET_HOURS, "21:00-08:00" Asia/Shanghai): a
  notification made then is delivered (shown, emailed) when they end.
- notifications_email_due(): emails delivered notifications to workers with an
  address, when mail is configured (PROGRESS_EMAIL_REMINDERS).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.roles import is_supervisor
from cms.scoping import people_for
from progress.models import Assignment, Notification, Urge
from progress.services.assignments import (
    State,
    WorkItem,
    assignment_targets,
    assignment_worker_items,
    overdue_workers,
    today_local,
)
from progress.services.ledger import SHANGHAI, local_day


def _quiet_hours() -> tuple[time, time] | None:
    value = getattr(settings, "PROGRESS_QUIET_HOURS", "21:00-08:00")
    if not value:
        return None
    start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    return start, end


def deliver_time(now: datetime) -> datetime:
    """Now, or the end of the quiet hours if now falls inside them."""
    hours = _quiet_hours()
    if not hours:
        return now
    start, end = hours
    local = now.astimezone(SHANGHAI)
    t = local.time()
    inside = (start <= t or t < end) if start > end else (start <= t < end)
    if not inside:
        return now
    end_day = local.date() if t < end else local.date() + timedelta(days=1)
    return datetime.combine(end_day, end, tzinfo=SHANGHAI)


def _email_enabled() -> bool:
    return bool(getattr(settings, "PROGRESS_EMAIL_REMINDERS", False))


def _assignment_url() -> str:
    return "/"


def _notify(
    *,
    user,
    kind: str,
    key: str,
    title: str,
    body: str,
    assignment: Assignment | None,
    now: datetime,
) -> Notification | None:
    """Create the notification unless one with this key exists (then None)."""
    try:
        with transaction.atomic():
            return Notification.objects.create(
                user=user,
                kind=kind,
                key=key,
                title=title,
                body=body,
                url=_assignment_url(),
                assignment=assignment,
                deliver_after=deliver_time(now),
                email_due=_email_enabled() and bool(user.email),
            )
    except IntegrityError:
        return None


def _due_text(item: WorkItem) -> str:
    return _("「%(title)s」截止 %(due)s，已完成 %(done)d/%(total)d 节。") % {
        "title": item.assignment.title,
        "due": item.due.isoformat(),
        "done": item.done,
        "total": item.total,
    }


def reminders_create(*, now: datetime | None = None) -> int:
    """The morning job: notifications for due-soon and overdue work. Returns count."""
    from django.contrib.auth import get_user_model

    now = now or timezone.now()
    today = local_day(now)
    User = get_user_model()
    made = 0
    for assignment in Assignment.objects.filter(closed=False):
        targets = assignment_targets(assignment)
        # Every target, whatever the scope: the job acts for the district.
        items = _items_for_all(assignment, targets, today)
        users = User.objects.in_bulk(list(items))
        for user_id, item in items.items():
            if item.state == State.DUE_SOON:
                kind, key = Notification.Kind.DUE_SOON, f"due_soon:{assignment.pk}"
                key += f":{item.due.isoformat()}"
                title = _("学习任务即将到期")
            elif item.state == State.OVERDUE:
                week = (today - item.due).days // 7
                kind = Notification.Kind.OVERDUE
                key = f"overdue:{assignment.pk}:{item.due.isoformat()}:{week}"
                title = _("学习任务已逾期")
            else:
                continue
            if _notify(
                user=users[user_id],
                kind=kind,
                key=key,
                title=title,
                body=_due_text(item),
                assignment=assignment,
                now=now,
            ):
                made += 1
    return made


def _items_for_all(assignment, targets, today) -> dict[int, WorkItem]:
    from progress.services.assignments import (
        _completed_at,
        assignment_lesson_ids,
        work_item,
    )

    user_ids = list(targets.values_list("pk", flat=True))
    lesson_ids = assignment_lesson_ids(assignment)
    if not lesson_ids:
        return {}
    completed = _completed_at(user_ids, lesson_ids)
    return {
        pk: work_item(
            assignment=assignment,
            lesson_ids=lesson_ids,
            completed=completed.get(pk, {}),
            today=today,
        )
        for pk in user_ids
    }


@dataclass
class UrgeResult:
    sent: list[int] = field(default_factory=list)
    already_urged_today: list[int] = field(default_factory=list)
    not_overdue: list[int] = field(default_factory=list)


def urge_send(
    *,
    sender,
    worker_ids,
    assignment: Assignment | None = None,
    message: str = "",
    now: datetime | None = None,
) -> UrgeResult:
    """督学提醒 from a supervisor to overdue workers in their scope.

    A worker outside the sender's scope is Http404, as if missing (no oracle),
    and then nobody is urged. One urge per worker per day.
    """
    if not (sender.is_superuser or is_supervisor(sender)):
        raise PermissionDenied
    now = now or timezone.now()
    today = local_day(now)
    wanted = {int(pk) for pk in worker_ids}
    in_scope = set(
        people_for(sender)
        .filter(pk__in=wanted, is_active=True)
        .exclude(pk=sender.pk)
        .values_list("pk", flat=True)
    )
    if wanted - in_scope:
        raise Http404("No such person")
    overdue = overdue_workers(viewer=sender, assignment=assignment, today=today)
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk(sorted(in_scope))
    result = UrgeResult()
    sender_name = sender.get_full_name() or sender.get_username()
    for user_id in sorted(in_scope):
        items = overdue.get(user_id)
        if not items:
            result.not_overdue.append(user_id)
            continue
        titles = "、".join(f"「{item.assignment.title}」" for item in items)
        body = message.strip() or _("%(sender)s 提醒你尽快完成：%(titles)s") % {
            "sender": sender_name,
            "titles": titles,
        }
        try:
            with transaction.atomic():
                urge = Urge.objects.create(
                    sender=sender,
                    worker=users[user_id],
                    assignment=assignment or items[0].assignment,
                    day=today,
                )
                urge.notification = Notification.objects.create(
                    user=users[user_id],
                    kind=Notification.Kind.URGE,
                    key=f"urge:{today.isoformat()}",
                    title=_("督学提醒"),
                    body=body[:1000],
                    url="/",
                    assignment=urge.assignment,
                    deliver_after=deliver_time(now),
                    email_due=_email_enabled() and bool(users[user_id].email),
                )
                urge.save(update_fields=["notification"])
        except IntegrityError:
            result.already_urged_today.append(user_id)
            continue
        result.sent.append(user_id)
    return result


def urge_history(*, viewer, day: date | None = None):
    """Urges sent to people in the viewer's scope (for the supervisor's record)."""
    qs = Urge.objects.filter(worker__in=people_for(viewer)).select_related(
        "sender", "worker"
    )
    if day:
        qs = qs.filter(day=day)
    return qs.order_by("-sent_at")


# --- the worker's inbox ------------------------------------------------------------


def notifications_for(*, viewer, now: datetime | None = None):
    """The viewer's own delivered, uncleared notifications, newest first."""
    if not viewer.is_authenticated:
        return Notification.objects.none()
    now = now or timezone.now()
    return Notification.objects.filter(
        user=viewer, cleared_at__isnull=True, deliver_after__lte=now
    ).order_by("-deliver_after", "-pk")


def notification_clear(*, user, notification_id: int) -> None:
    updated = Notification.objects.filter(
        user=user, pk=notification_id, cleared_at__isnull=True
    ).update(cleared_at=timezone.now())
    if (
        not updated
        and not Notification.objects.filter(user=user, pk=notification_id).exists()
    ):
        raise Http404


def notifications_clear_all(*, user) -> int:
    return notifications_for(viewer=user).update(cleared_at=timezone.now())


def notifications_email_due(*, now: datetime | None = None) -> int:
    """Email delivered notifications that asked for it; each at most once."""
    now = now or timezone.now()
    sent = 0
    pending = Notification.objects.filter(
        email_due=True, emailed_at__isnull=True, deliver_after__lte=now
    ).select_related("user")
    for notification in pending[:500]:
        claimed = Notification.objects.filter(
            pk=notification.pk, emailed_at__isnull=True
        ).update(emailed_at=now)
        if not claimed:
            continue
        send_mail(
            subject=notification.title,
            message=notification.body,
            from_email=None,
            recipient_list=[notification.user.email],
            fail_silently=True,
        )
        sent += 1
    return sent


__all__ = [
    "assignment_worker_items",
    "deliver_time",
    "notification_clear",
    "notifications_clear_all",
    "notifications_email_due",
    "notifications_for",
    "reminders_create",
    "today_local",
    "urge_history",
    "urge_send",
]
