"""Wagtail's user create/edit forms plus the person's org unit, position and phone.

The fields are plain form fields, not a model form for Profile: the user row is
saved first and the view then calls ``profile_save`` in the same transaction.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from cms.models import OrgUnit, Profile, mainland_mobile_validator
from cms.roles import LEARNERS, SUPERVISORS
from cms.services.people import normalise_phone

# Learners and supervisors are scoped by their org unit and known by phone.
ROLES_NEEDING_PROFILE = (LEARNERS, SUPERVISORS)


class OrgUnitPathChoiceField(forms.ModelChoiceField):
    """Org units labelled with their path: 杨浦区 / 江浦路街道 / 五环居民区."""

    def __init__(self, **kwargs):
        super().__init__(queryset=OrgUnit.objects.order_by("path"), **kwargs)
        self._names_by_path = None

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy._names_by_path = None
        return copy

    def label_from_instance(self, obj: OrgUnit) -> str:
        if self._names_by_path is None:
            # One query for every ancestor name instead of one per option.
            self._names_by_path = dict(OrgUnit.objects.values_list("path", "name"))
        step = OrgUnit.steplen
        ancestor_paths = (
            obj.path[:end] for end in range(step, len(obj.path) + 1, step)
        )
        return " / ".join(self._names_by_path.get(path, "?") for path in ancestor_paths)


class ProfileFieldsMixin(forms.Form):
    org_unit = OrgUnitPathChoiceField(label=_("组织单元"), required=False)
    position = forms.ChoiceField(
        label=_("岗位"),
        choices=Profile.Position.choices,
        initial=Profile.Position.OTHER,
        required=False,
    )
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        help_text=_("学员和督导必须填写组织单元和手机号；培训师可不填。"),
    )
    employee_no = forms.CharField(label=_("工号"), max_length=32, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_profile = None
        if self.instance.pk is not None:
            self.existing_profile = Profile.objects.filter(user=self.instance).first()
        if self.existing_profile is not None:
            for name in ("org_unit", "position", "phone", "employee_no"):
                self.initial[name] = getattr(self.existing_profile, name)

    def clean_phone(self) -> str:
        phone = normalise_phone(self.cleaned_data.get("phone") or "")
        if not phone:
            return ""
        mainland_mobile_validator(phone)
        used = Profile.objects.filter(phone=phone).exclude(pk=self.instance.pk)
        if used.exists():
            raise ValidationError(_("该手机号已被其他人员使用。"), code="phone_taken")
        return phone

    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups") or []
        role_needs_profile = any(g.name in ROLES_NEEDING_PROFILE for g in groups)
        wants_profile = (
            role_needs_profile
            or self.existing_profile is not None
            or cleaned.get("org_unit")
            or cleaned.get("phone")
        )
        if not wants_profile:
            return cleaned
        if role_needs_profile:
            message = {
                "org_unit": _("学员和督导必须选择组织单元。"),
                "phone": _("学员和督导必须填写手机号。"),
            }
        else:
            message = {
                "org_unit": _("人员档案需要组织单元和手机号，请同时填写。"),
                "phone": _("人员档案需要组织单元和手机号，请同时填写。"),
            }
        for name in ("org_unit", "phone"):
            # A field that failed its own validation already carries an error.
            if name in cleaned and not cleaned[name]:
                self.add_error(name, ValidationError(message[name], code="required"))
        return cleaned

    def profile_data(self) -> dict | None:
        """Keyword arguments for ``profile_save``, or None when no profile is wanted."""
        if not self.cleaned_data.get("org_unit"):
            return None
        return {
            "org_unit": self.cleaned_data["org_unit"],
            "position": self.cleaned_data.get("position") or Profile.Position.OTHER,
            "phone": self.cleaned_data["phone"],
            "employee_no": self.cleaned_data.get("employee_no", ""),
        }


class PersonCreationForm(ProfileFieldsMixin, UserCreationForm):
    pass


class PersonEditForm(ProfileFieldsMixin, UserEditForm):
    pass
