"""Admin views added to wagtailmedia's screens: retry a failed transcode, and
upload or remove caption tracks. Wired in wagtail_hooks.py; permissions come from
wagtailmedia's permission policy (change permission on the video)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.permissions import policy_registry

from media.ffmpeg.errors import CaptionError
from media.forms import CaptionUploadForm
from media.models import Video, VideoCaption
from media.selectors import video_statuses
from media.services import caption_attach, caption_delete, video_retry


def _video_user_can_change(request, video_id: int) -> Video | None:
    video = get_object_or_404(Video, pk=video_id)
    policy = policy_registry.get_by_type(Video)
    if not policy.user_has_permission_for_instance(request.user, "change", video):
        return None
    return video


def _back_to_edit(video: Video):
    return redirect("wagtailmedia:edit", video.pk)


@require_POST
def retry(request, video_id: int):
    video = _video_user_can_change(request, video_id)
    if video is None:
        return permission_denied(request)
    try:
        queued = video_retry(video=video, user=request.user)
    except PermissionDenied:
        return permission_denied(request)
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
