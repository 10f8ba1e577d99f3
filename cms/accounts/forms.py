import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from cms.models import MAINLAND_MOBILE_RE
from cms.services.people import normalise_phone


class LearnerLoginForm(AuthenticationForm):
    """Django's login form with hints that phone keyboards and password managers use.

    Imported workers' usernames are their mobile numbers, so a number typed as
    "139 1234 5678" or "+86 13912345678" signs in as 13912345678.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "手机号（或用户名）或密码不对，请检查后再试。忘记密码请联系培训管理员。"
        ),
        "inactive": _("这个账号已停用，请联系培训管理员。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Imported workers sign in with their mobile number as the username.
        self.fields["username"].label = _("手机号或用户名")
        self.fields["username"].widget.attrs.update(
            {
                "autocomplete": "username",
                "autocapitalize": "none",
                "autocorrect": "off",
                "spellcheck": "false",
                "enterkeyhint": "next",
            }
        )
        self.fields["password"].widget.attrs.update(
            {"autocomplete": "current-password", "enterkeyhint": "go"}
        )

    def clean_username(self) -> str:
        username = self.cleaned_data.get("username", "")
        phone = normalise_phone(username)
        return phone if re.match(MAINLAND_MOBILE_RE, phone) else username


class LearnerPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"
        self.fields["old_password"].widget = forms.PasswordInput(
            attrs={"autocomplete": "current-password", "autofocus": True}
        )
