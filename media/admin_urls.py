"""Media's admin URLs beside wagtailmedia's screens (under /admin/videos/),
returned from the register_admin_urls hook in wagtail_hooks.py."""

from django.urls import path

from media import views

app_name = "media_admin"

urlpatterns = [
    path("statuses/", views.statuses, name="statuses"),
    path("<int:video_id>/retry/", views.retry, name="retry"),
    path("<int:video_id>/captions/", views.caption_upload, name="caption_upload"),
    path(
        "<int:video_id>/captions/<int:caption_id>/delete/",
        views.caption_remove,
        name="caption_remove",
    ),
]
