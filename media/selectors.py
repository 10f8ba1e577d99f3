"""Reads of videos for admin pages; each starts from the viewer's permissions."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from media.models import Video
from media.permissions import permission_policy

MAX_STATUS_IDS = 100


def videos_editable_by(*, user) -> QuerySet[Video]:
    """Videos the user may change, by wagtailmedia's collection permission policy."""
    return permission_policy.instances_user_has_any_permission_for(user, ["change"])


def video_statuses(*, user, video_ids: Iterable[int]) -> list[dict]:
    """Transcode status of the given videos that the user may change (others are
    left out, exactly like ids that do not exist)."""
    ids = list(dict.fromkeys(int(i) for i in video_ids))[:MAX_STATUS_IDS]
    videos = videos_editable_by(user=user).filter(pk__in=ids).order_by("pk")
    return [
        {
            "id": video.pk,
            "status": video.status,
            "label": str(video.get_status_display()),
            "progress": video.progress,
            "error": video.error,
        }
        for video in videos.only("pk", "status", "progress", "error")
    ]
