from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class LearnerLoginForm(AuthenticationForm):
    """Django's login form with hints that phone keyboards and password managers use."""

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


class LearnerPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"
        self.fields["old_password"].widget = forms.PasswordInput(
            attrs={"autocomplete": "current-password", "autofocus": True}
        )
