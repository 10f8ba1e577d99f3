"""Public media URLs: signed playback, and MEDIA_URL for file-system storage
(images only) when SERVE_MEDIA is on."""

from django.conf import settings
from django.urls import path, re_path

from media import views

urlpatterns = [
    path("play/<str:token>/<path:path>", views.play, name="media_play"),
    # For staff who may edit the video; outside /admin/ so that anyone else gets
    # the plain 404, not a login redirect.
    path(
        "staff-media/originals/<int:video_id>/", views.original, name="media_original"
    ),
    path("staff-media/posters/<int:video_id>/", views.poster, name="media_poster"),
    path(
        "staff-media/captions/<int:caption_id>/",
        views.caption_file,
        name="media_caption",
    ),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            views.public_media,
            name="media_public",
        )
    ]
