"""Admin wiring for videos: extra URLs beside wagtailmedia's own screens."""

from django.urls import include, path
from wagtail import hooks

from media import views

_urls = [
    path("statuses/", views.statuses, name="statuses"),
    path("<int:video_id>/retry/", views.retry, name="retry"),
    path("<int:video_id>/captions/", views.caption_upload, name="caption_upload"),
    path(
        "<int:video_id>/captions/<int:caption_id>/delete/",
        views.caption_remove,
        name="caption_remove",
    ),
]


@hooks.register("register_admin_urls")
def register_video_admin_urls():
    return [path("videos/", include((_urls, "media_admin"), namespace="media_admin"))]
