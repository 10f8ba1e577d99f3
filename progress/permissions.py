"""Who may do what with assignments in the Wagtail admin (registered in apps.py).

Not Django model permissions: the right to assign follows the role (trainer,
supervisor) and, for a supervisor, the assignment's units, which a model-wide
permission could not express. Which assignments: progress.selectors.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies.base import BasePermissionPolicy

from cms.roles import SUPERVISORS, TRAINERS, is_supervisor, is_trainer
from progress.selectors import assignments_editable_by, assignments_for

# Closing is an edit ("change"); assignments are never deleted here, so that the
# reminders and urges that point at them keep their history.
ACTIONS = {"add", "change", "view"}


def _may_assign(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or is_trainer(user) or is_supervisor(user))
    )


class AssignmentPermissionPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action):
        return action in ACTIONS and _may_assign(user)

    def instances_user_has_permission_for(self, user, action):
        if action == "view":
            return assignments_for(viewer=user)
        if action == "change":
            return assignments_editable_by(viewer=user)
        return self.model.objects.none()

    def instances_user_has_any_permission_for(self, user, actions):
        if "change" in actions and "view" not in actions:
            return assignments_editable_by(viewer=user)
        return (
            assignments_for(viewer=user)
            if ACTIONS & set(actions)
            else (self.model.objects.none())
        )

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.instances_user_has_permission_for(user, action)
            .filter(pk=instance.pk)
            .exists()
        )

    def users_with_any_permission(self, actions):
        if not ACTIONS & set(actions):
            return get_user_model().objects.none()
        return (
            get_user_model()
            .objects.filter(
                Q(is_superuser=True) | Q(groups__name__in=[TRAINERS, SUPERVISORS]),
                is_active=True,
            )
            .distinct()
        )
