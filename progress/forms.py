"""The assignment form of the admin (progress.viewsets): what, for whom, by when.

Choices are limited to what the signed-in user may target (cms.scoping); the
services in progress.services.assignments check it again when saving.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from cms.models import OrgUnit, Profile
from cms.roles import is_trainer
from cms.scoping import org_units_for
from lessons.models import CoursePage, LessonPage
from progress.models import Assignment


class _TreeChoices(forms.ModelMultipleChoiceField):
    """Org units in tree order, indented by level (full-width spaces) below the
    highest unit offered (a supervisor's street is not indented)."""

    top_depth = 1

    def label_from_instance(self, obj: OrgUnit) -> str:
        return "\u3000" * (obj.depth - self.top_depth) + obj.name


class AssignmentForm(WagtailAdminModelForm):
    course = forms.ModelChoiceField(
        label=_("课程"),
        queryset=CoursePage.objects.none(),
        required=False,
        help_text=_("整门课程的微课（含以后新发布的）。"),
    )
    lessons = forms.ModelMultipleChoiceField(
        label=_("微课"),
        queryset=LessonPage.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("另外指定的微课；课程与微课至少选一项。"),
    )
    org_units = _TreeChoices(
        label=_("组织"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    positions = forms.MultipleChoiceField(
        label=_("岗位"),
        choices=Profile.Position.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选：所有岗位。"),
    )

    class Meta:
        model = Assignment
        fields = [
            "title",
            "course",
            "lessons",
            "org_units",
            "positions",
            "due_date",
            "recurs_yearly",
            "closed",
        ]
        help_texts = {
            "recurs_yearly": _("每年同一天到期，例如年度必修课。"),
            "closed": _("关闭后社工不再看到此任务，也不再收到提醒；已完成的学习保留。"),
        }

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("path")
        self.fields["lessons"].queryset = LessonPage.objects.live().order_by("path")
        units = self.fields["org_units"]
        units.queryset = org_units_for(for_user).order_by("path")
        units.top_depth = min((u.depth for u in units.queryset), default=1)
        if for_user is not None and (for_user.is_superuser or is_trainer(for_user)):
            units.help_text = _("所选单位及其下级的全部人员；不选：所有单位。")
        else:
            units.help_text = _(
                "所选单位及其下级的全部人员；不选：本人督导的全部范围。"
            )
        if self.instance.pk is None:
            # A new assignment is open; closing is for the edit form.
            del self.fields["closed"]

    def clean(self):
        data = super().clean()
        if not data.get("course") and not data.get("lessons"):
            raise forms.ValidationError(_("请选择课程或微课。"))
        return data

    def service_kwargs(self) -> dict:
        """The cleaned data as the assignment services take it."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "due_date": data["due_date"],
            "course": data.get("course"),
            "lessons": list(data.get("lessons") or []),
            "org_units": list(data.get("org_units") or []),
            "positions": list(data.get("positions") or []),
            "recurs_yearly": bool(data.get("recurs_yearly")),
        }
