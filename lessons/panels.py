"""The read-only panel on a lesson's edit view: estimated minutes and data cost."""

from django.conf import settings
from django.utils.translation import gettext as _
from wagtail.admin.panels import Panel

from .authoring import (
    CJK_CHARACTERS_PER_MINUTE,
    format_megabytes,
    lesson_estimate,
    lesson_length_warning,
)


class LessonEstimatePanel(Panel):
    """Computed from the saved draft, so it changes when the trainer saves."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "lessons/panels/lesson_estimate.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            estimate = lesson_estimate(self.instance.script)
            context["rows"] = [
                (_("预计时长"), _("%(minutes)d 分钟") % {"minutes": estimate.minutes}),
                (
                    _("其中视频"),
                    _("%(seconds)d 秒") % {"seconds": round(estimate.video_seconds)},
                ),
                (
                    _("其中阅读"),
                    _("%(seconds)d 秒") % {"seconds": round(estimate.reading_seconds)},
                ),
                (_("播放流量"), format_megabytes(estimate.data_bytes)),
            ]
            notes = []
            if warning := lesson_length_warning(estimate):
                notes.append(warning)
            if estimate.unmeasured_videos:
                notes.append(
                    _("有 %(count)d 个视频尚未转码完成，流量暂未计入。")
                    % {"count": len(estimate.unmeasured_videos)}
                )
            context["notes"] = notes
            context["help"] = _(
                "阅读时间按每分钟 %(rate)d 个汉字估算，含所有分支；"
                "不超过 %(seconds)d 秒的视频直接播放 MP4，按整个文件计流量；"
                "更长的视频按 %(rendition)s 清晰度流式播放，含一次播放器脚本。"
                "保存后更新。"
            ) % {
                "rate": CJK_CHARACTERS_PER_MINUTE,
                "seconds": settings.LESSON_DIRECT_MP4_MAX_SECONDS,
                "rendition": settings.LESSON_DEFAULT_RENDITION,
            }
            return context
