"""Admin wiring for videos: extra URLs beside wagtailmedia's own screens."""

from django.urls import include, path
from wagtail import hooks

from media import admin_urls


@hooks.register("register_admin_urls")
def register_video_admin_urls():
    return [path("videos/", include(admin_urls, namespace="media_admin"))]
