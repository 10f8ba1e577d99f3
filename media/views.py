"""Views of videos.

Admin views added to wagtailmedia's screens (media/admin_urls.py): retry a failed
transcode, upload or remove caption tracks, download the original. Each checks the
viewer's change permission on the video (wagtailmedia's permission policy) here,
in the view, as Wagtail's own views do; the services trust their caller.

Public views (media/urls.py): signed playback (media/delivery.py) and the rest of
MEDIA_URL, which never answers for videos, originals or captions.
"""

from __future__ import annotations

import posixpath

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied

from media import serving
from media.delivery import is_segment, play_check, storage_name
from media.ffmpeg.errors import CaptionError
from media.forms import CaptionUploadForm
from media.models import Video, VideoCaption
from media.permissions import permission_policy
from media.selectors import video_statuses
from media.services import caption_attach, caption_delete, video_retry


def _may_change(user, video: Video) -> bool:
    return permission_policy.user_has_permission_for_instance(user, "change", video)


def _video_user_can_change(request, video_id: int) -> Video | None:
    video = get_object_or_404(Video, pk=video_id)
    return video if _may_change(request.user, video) else None


def _back_to_edit(video: Video):
    return redirect("wagtailmedia:edit", video.pk)


@require_POST
def retry(request, video_id: int):
    video = _video_user_can_change(request, video_id)
    if video is None:
        return permission_denied(request)
    queued = video_retry(video=video)
    if queued:
        messages.success(request, _("已重新排队转码：%(title)s") % {"title": video})
    else:
        messages.warning(request, _("只有转码失败的视频可以重试。"))
    return _back_to_edit(video)


@require_POST
def caption_upload(request, video_id: int):
    video = _video_user_can_change(request, video_id)
    if video is None:
        return permission_denied(request)
    form = CaptionUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择语言和字幕文件。"))
        return _back_to_edit(video)
    try:
        caption = caption_attach(
            video=video,
            language=form.cleaned_data["language"],
            label=form.cleaned_data["label"],
            file=form.cleaned_data["file"],
        )
    except CaptionError as exc:
        # The reason names the wrong line ("第 6 行：…").
        text = _("字幕文件无法使用：%(reason)s") % {"reason": exc.reason}
        messages.error(request, text)
        return _back_to_edit(video)
    messages.success(
        request, _("已添加字幕：%(label)s") % {"label": caption.display_label}
    )
    return _back_to_edit(video)


@require_POST
def caption_remove(request, video_id: int, caption_id: int):
    video = _video_user_can_change(request, video_id)
    if video is None:
        return permission_denied(request)
    caption = get_object_or_404(VideoCaption, pk=caption_id, video=video)
    caption_delete(caption=caption)
    messages.success(request, _("已删除字幕。"))
    return _back_to_edit(video)


@require_GET
def statuses(request):
    """Polled by the listing and edit page while a transcode is under way."""
    ids = [i for i in request.GET.getlist("id") if i.isdigit()]
    response = JsonResponse(
        {"videos": video_statuses(user=request.user, video_ids=ids)}
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def original(request, video_id: int):
    """The uploaded file, for staff who may change the video only."""
    video = Video.objects.filter(pk=video_id).first()
    if video is None or not video.file or not _may_change(request.user, video):
        return serving.not_found()
    extension = posixpath.splitext(video.file.name)[1].lower()
    return serving.serve_stored(
        request,
        video.file.name,
        storage=video.file.storage,
        cache="private, no-store",
        download_name=f"video-{video.pk}{extension}",
    )


@require_GET
def poster(request, video_id: int):
    """A video's poster frame, for the admin listing of staff who may change it."""
    video = Video.objects.filter(pk=video_id).first()
    if video is None or not video.poster_name or not _may_change(request.user, video):
        return serving.not_found()
    return serving.serve_stored(
        request, video.poster_name, cache="private, max-age=3600"
    )


@require_GET
def caption_file(request, caption_id: int):
    """A caption track as stored, for staff who may change its video."""
    caption = VideoCaption.objects.select_related("video").filter(pk=caption_id).first()
    if caption is None or not _may_change(request.user, caption.video):
        return serving.not_found()
    return serving.serve_stored(
        request, caption.file.name, storage=caption.file.storage, cache="no-store"
    )


# Storage prefixes that are never served as plain MEDIA_URL files.
PROTECTED_PREFIXES = ("videos/", "originals/", "media/", "captions/")


@require_GET
def play(request, token: str, path: str):
    """A file of a video's outputs or captions, for the holder of a valid token."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    grant = play_check(token=token, path=path, session_key=session_key)
    if grant is None:
        return serving.not_found()
    name = storage_name(grant, path)
    if path.endswith(".m3u8"):
        return serving.serve_playlist(request, name)
    cache = "private, max-age=86400, immutable" if is_segment(path) else None
    return serving.serve_stored(request, name, cache=cache or "private, max-age=3600")


@require_GET
def public_media(request, path: str):
    """MEDIA_URL for file-system storage without a front proxy (images only:
    Wagtail's image renditions); videos, originals and captions are refused."""
    path = posixpath.normpath(path).lstrip("/")
    if path.startswith("..") or path.startswith(PROTECTED_PREFIXES):
        return serving.not_found()
    return serving.serve_stored(request, path, cache="public, max-age=3600")
