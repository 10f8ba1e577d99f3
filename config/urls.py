from django.urls import include, path
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
]

# Signed playback, and MEDIA_URL (images only) when SERVE_MEDIA is on.
urlpatterns += [path("", include("media.urls"))]

handler500 = "config.errors.server_error"

# Wagtail's page tree last: it answers every path nothing above claimed.
urlpatterns += [path("", include(wagtail_urls))]
