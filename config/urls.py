from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config.api import api

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/", api.urls),
    path("", include("cms.urls")),
    path("", include("lessons.urls")),
    path("", include("quizzes.urls")),
]

if settings.SERVE_MEDIA:
    # Only for file storage without a front proxy (embedded default, tests);
    # production serves var/uploads from nginx or object storage.
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

# Wagtail's page tree last: it answers every path nothing above claimed.
urlpatterns += [path("", include(wagtail_urls))]
