"""The JSON API (django-ninja): session auth with CSRF, OpenAPI at /api/docs.

Each app contributes a Router from its own api.py, added here.
"""

from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(
    title="Weiketang API",
    version="1",
    auth=django_auth,
    urls_namespace="api",
    docs_url="/docs",
)

from lessons.api import router as lessons_router  # noqa: E402

api.add_router("/lessons/", lessons_router)
from progress.api import router as progress_router  # noqa: E402

api.add_router("/progress/", progress_router)
