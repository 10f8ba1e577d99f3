"""A first password from an import must be changed at first sign-in.

The import marks the profile (Profile.must_change_password). Signing in copies
the mark into the session, so that checking it costs no query per request; until
the password is changed, every page sends the person to the password change form
(the API answers 403), except signing out and changing the language.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from cms.models import Profile

SESSION_KEY = "weiketang_must_change_password"


@receiver(user_logged_in, dispatch_uid="cms_first_password_login")
def _remember_on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if Profile.objects.filter(user=user, must_change_password=True).exists():
        request.session[SESSION_KEY] = True


def first_password_changed(*, user, request: HttpRequest | None = None) -> None:
    """The person chose their own password: no more redirects."""
    Profile.objects.filter(user=user, must_change_password=True).update(
        must_change_password=False
    )
    if request is not None:
        request.session.pop(SESSION_KEY, None)


def _exempt_paths() -> tuple[str, ...]:
    return (
        reverse("accounts:password_change"),
        reverse("accounts:logout"),
        reverse("wagtailadmin_logout"),
        reverse("set_language"),
        reverse("healthz"),
        "/static/",
        # Signed playback is authorised by its token and must not load the session.
        "/play/",
    )


class FirstPasswordMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        session = getattr(request, "session", None)
        if (
            session is not None
            and not request.path_info.startswith(_exempt_paths())
            and session.get(SESSION_KEY)
            and request.user.is_authenticated
        ):
            if request.path_info.startswith("/api/"):
                return JsonResponse(
                    {"detail": "请先修改初始密码"},
                    status=403,
                    json_dumps_params={"ensure_ascii": False},
                )
            return redirect(reverse("accounts:password_change"))
        return self.get_response(request)
