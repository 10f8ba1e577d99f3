"""Writes that change a worker's figures mark the worker dirty (and nothing more).

Progress events and quiz submissions are found by the refresh's own scan of
their timestamps (dashboards.services.stats.stats_notice_changes), whatever code
path wrote them; these signals cover what has no such timestamp: a worker's
unit, position or role, and assignments changed after they were created.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete


def _mark(user_ids) -> None:
    from dashboards.services.stats import stats_mark_dirty

    ids = list(user_ids)
    transaction.on_commit(lambda: stats_mark_dirty(user_ids=ids))


def _profile_saved(sender, instance, **kwargs):
    _mark([instance.user_id])


def _groups_changed(sender, instance, action, pk_set=None, reverse=False, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # group.user_set changed
        _mark(pk_set or [])
    else:
        _mark([instance.pk])


def _assignment_targets(assignment):
    from progress.services.assignments import assignment_targets

    return list(assignment_targets(assignment).values_list("pk", flat=True))


def _assignment_saved(sender, instance, **kwargs):
    _mark(_assignment_targets(instance))


def _assignment_m2m(sender, instance, action, **kwargs):
    from progress.models import Assignment

    if isinstance(instance, Assignment) and action in (
        "pre_remove",
        "pre_clear",
        "post_add",
        "post_remove",
        "post_clear",
    ):
        _mark(_assignment_targets(instance))


def connect() -> None:
    from cms.models import Profile
    from progress.models import Assignment

    User = get_user_model()
    post_save.connect(_profile_saved, sender=Profile, dispatch_uid="dash_profile")
    m2m_changed.connect(
        _groups_changed, sender=User.groups.through, dispatch_uid="dash_groups"
    )
    post_save.connect(
        _assignment_saved, sender=Assignment, dispatch_uid="dash_assignment"
    )
    pre_delete.connect(
        _assignment_saved, sender=Assignment, dispatch_uid="dash_assignment_del"
    )
    for through in (Assignment.lessons.through, Assignment.org_units.through):
        m2m_changed.connect(
            _assignment_m2m, sender=through, dispatch_uid=f"dash_{through.__name__}"
        )
