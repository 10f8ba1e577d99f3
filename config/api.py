"""The JSON API (django-ninja): session auth with CSRF, OpenAPI at /api/docs.

Each app contributes a Router from its own api.py, added here. Every operation
gets config/api_kit.py: a request body limit (413), strict schemas, JSON errors.
The docs and the OpenAPI schema are for staff only, with Swagger UI served from
our own static files (ninja's, since "ninja" is an installed app).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import reverse
from ninja import NinjaAPI
from ninja.security import django_auth

from config import api_kit


def staff_only(view):
    """Staff (who may enter the Wagtail admin) only: anonymous visitors are sent
    to the admin sign-in, everybody else gets a 404."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(
                request.get_full_path(), reverse("wagtailadmin_login")
            )
        if not request.user.has_perm("wagtailadmin.access_admin"):
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


api = NinjaAPI(
    title="Weiketang API",
    version="1",
    auth=django_auth,
    urls_namespace="api",
    docs_url="/docs",
    docs_decorator=staff_only,
)
api_kit.install(api)

from lessons.api import router as lessons_router  # noqa: E402

api.add_router("/lessons/", lessons_router)
from progress.api import router as progress_router  # noqa: E402

api.add_router("/progress/", progress_router)
