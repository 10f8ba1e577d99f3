from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "progress"
    verbose_name = _("学习进度")

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from progress.models import Assignment
        from progress.permissions import AssignmentPermissionPolicy

        # Before any admin screen asks: menus, the viewset and its views.
        register_permission_policy(Assignment, AssignmentPermissionPolicy(Assignment))
