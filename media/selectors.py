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


def video_listing_rows(*, user, videos: Iterable[Video]) -> list[dict]:
    """The admin listing's rows: each video with whether the user may change it
    (only then its poster is linked) and the lessons that use it (Wagtail's
    reference index: a lesson's saved script names the video).

    Three queries for the whole page of videos, whatever its length.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    from lessons.models import LessonPage

    videos = list(videos)
    editable = set(
        videos_editable_by(user=user)
        .filter(pk__in=[v.pk for v in videos])
        .values_list("pk", flat=True)
    )
    references = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(Video),
        to_object_id__in=[str(pk) for pk in editable],
        content_type=ContentType.objects.get_for_model(LessonPage),
    ).values_list("to_object_id", "object_id")
    lesson_ids: dict[int, set[int]] = {}
    for video_id, lesson_id in references:
        lesson_ids.setdefault(int(video_id), set()).add(int(lesson_id))
    lessons = LessonPage.objects.filter(
        pk__in={pk for ids in lesson_ids.values() for pk in ids}
    ).only("pk", "title", "live")
    by_pk = {lesson.pk: lesson for lesson in lessons}
    return [
        {
            "video": video,
            "may_change": video.pk in editable,
            "lessons": sorted(
                (by_pk[pk] for pk in lesson_ids.get(video.pk, ()) if pk in by_pk),
                key=lambda lesson: lesson.title,
            ),
        }
        for video in videos
    ]
