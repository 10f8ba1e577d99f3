from django.urls import path
from wagtail import hooks

from progress import admin_views
from progress.viewsets import AssignmentViewSet


@hooks.register("register_admin_urls")
def register_progress_admin_urls():
    return [
        path(
            "progress/ledger.csv",
            admin_views.ledger_export,
            name="progress_ledger_export",
        )
    ]


@hooks.register("register_admin_viewset")
def register_assignment_viewset():
    return AssignmentViewSet()
