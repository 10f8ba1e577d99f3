"""The assignments admin (学习任务): trainers and supervisors create, list, edit
and close assignments.

Lists and the edit screen start from progress.selectors (cms.scoping inside):
an assignment outside the viewer's scope answers 404 like one that does not
exist. Saving goes through progress.services.assignments. Only index, add and
edit are routed: assignments are closed, never deleted.
"""

from __future__ import annotations

from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from cms.models import Profile
from progress.forms import AssignmentForm
from progress.models import Assignment
from progress.selectors import assignments_editable_by, assignments_for
from progress.services.assignments import assignment_create, assignment_update

_POSITIONS = dict(Profile.Position.choices)


def targets_label(assignment: Assignment) -> str:
    units = [unit.name for unit in assignment.org_units.all()]
    return "、".join(units) if units else str(_("所有单位"))


def positions_label(assignment: Assignment) -> str:
    names = [str(_POSITIONS.get(value, value)) for value in assignment.positions]
    return "、".join(names) if names else str(_("所有岗位"))


def content_label(assignment: Assignment) -> str:
    parts = [assignment.course.title] if assignment.course_id else []
    lessons = list(assignment.lessons.all())
    if lessons:
        parts.append(
            ngettext("%(count)d 节微课", "%(count)d 节微课", len(lessons))
            % {"count": len(lessons)}
        )
    return " + ".join(parts)


class AssignmentIndexView(IndexView):
    default_ordering = "due_date"

    def get_base_queryset(self):
        return (
            assignments_for(viewer=self.request.user)
            .select_related("course")
            .prefetch_related("org_units", "lessons")
        )

    @cached_property
    def editable_ids(self) -> set[int]:
        return set(
            assignments_editable_by(viewer=self.request.user).values_list(
                "pk", flat=True
            )
        )

    def get_edit_url(self, instance):
        # A supervisor sees a district-wide assignment but may not change it.
        if instance.pk in self.editable_ids:
            return super().get_edit_url(instance)
        return None

    def state_label(self, assignment: Assignment) -> str:
        state = _("已关闭") if assignment.closed else _("进行中")
        if assignment.pk not in self.editable_ids:
            return _("%(state)s（上级布置，只读）") % {"state": state}
        return state

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "title",
                label=_("名称"),
                get_url=self.get_edit_url,
                sort_key="title",
            ),
            Column("content", label=_("内容"), accessor=content_label),
            Column("targets", label=_("组织"), accessor=targets_label),
            Column("positions", label=_("岗位"), accessor=positions_label),
            # A date, not Wagtail's "3 days ago" (DateColumn is for timestamps).
            Column(
                "due_date",
                label=_("截止日期"),
                accessor=lambda a: a.due_date.isoformat(),
                sort_key="due_date",
            ),
            BooleanColumn("recurs_yearly", label=_("每年重复")),
            Column("state", label=_("状态"), accessor=self.state_label),
        ]


class AssignmentCreateView(CreateView):
    page_title = _("新建学习任务")

    def save_instance(self):
        assignment = assignment_create(
            creator=self.request.user, **self.form.service_kwargs()
        )
        log(instance=assignment, action="wagtail.create", content_changed=True)
        return assignment


class AssignmentEditView(EditView):
    page_title = _("编辑学习任务")

    def get_queryset(self):
        return assignments_editable_by(viewer=self.request.user)

    def save_instance(self):
        assignment = assignment_update(
            editor=self.request.user,
            assignment=Assignment.objects.get(pk=self.object.pk),
            closed=bool(self.form.cleaned_data.get("closed")),
            **self.form.service_kwargs(),
        )
        log(instance=assignment, action="wagtail.edit", content_changed=True)
        return assignment


class AssignmentViewSet(ModelViewSet):
    # The permission policy (progress.permissions) is registered in apps.py.
    model = Assignment
    name = "assignments"
    url_prefix = "assignments"
    icon = "date"
    menu_label = _("学习任务")
    menu_order = 160
    add_to_admin_menu = True
    form_class = AssignmentForm
    index_view_class = AssignmentIndexView
    add_view_class = AssignmentCreateView
    edit_view_class = AssignmentEditView
    list_filter = ["closed", "recurs_yearly"]
    inspect_view_enabled = False
    copy_view_enabled = False

    form_fields = AssignmentForm._meta.fields

    def get_form_class(self, for_update=False):
        return AssignmentForm

    def get_common_view_kwargs(self, **kwargs):
        # No history, usage or delete screens are routed (see get_urlpatterns).
        return super().get_common_view_kwargs(
            history_url_name=None, usage_url_name=None, delete_url_name=None, **kwargs
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.add_view, name="add"),
            path("<int:pk>/", self.edit_view, name="edit"),
        ]
