"""Videos (wagtailmedia's media model), their published renditions and captions.

The transcode job's bookkeeping lives on the Video row: status with progress or a
plain-language error, an attempts counter and a lease (claim token + expiry) that the
worker claims with a conditional UPDATE. Published outputs live under
`output_prefix` in the default storage; a new transcode publishes under a fresh
prefix and switches to it in one transaction.
"""

import posixpath
import uuid

from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _
from wagtailmedia.models import AbstractMedia, MediaQuerySet

OUTPUTS_ROOT = "videos"


class VideoQuerySet(MediaQuerySet):
    def ready(self):
        return self.filter(status=Video.Status.READY)


class Video(AbstractMedia):
    """An uploaded video or audio file; its streams are VideoRendition rows."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        PROCESSING = "processing", _("转码中")
        READY = "ready", _("可播放")
        FAILED = "failed", _("失败")

    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(_("错误信息"), blank=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    queued_at = models.DateTimeField(_("排队时间"), null=True, blank=True)

    # The job's lease: a worker owns the row while claim_token matches and
    # lease_expires_at is in the future (renewed by a heartbeat while it runs).
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    claimed_by = models.CharField(max_length=255, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Published outputs (storage names), switched together in one transaction.
    output_prefix = models.CharField(max_length=255, blank=True, editable=False)
    hls_master_name = models.CharField(max_length=255, blank=True, editable=False)
    mp4_name = models.CharField(max_length=255, blank=True, editable=False)
    poster_name = models.CharField(max_length=255, blank=True, editable=False)
    transcoded_at = models.DateTimeField(null=True, blank=True, editable=False)

    admin_form_fields = ("title", "file", "collection", "thumbnail", "tags")

    objects = VideoQuerySet.as_manager()

    class Meta(AbstractMedia.Meta):
        verbose_name = _("视频")
        verbose_name_plural = _("视频")
        indexes = [
            models.Index(fields=["status", "queued_at"], name="media_video_queue_idx"),
        ]

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and bool(self.hls_master_name)

    @property
    def is_audio(self) -> bool:
        return self.type == "audio"

    def _output_url(self, name: str) -> str | None:
        if not (self.is_ready and name):
            return None
        return default_storage.url(name)

    @property
    def hls_url(self) -> str | None:
        return self._output_url(self.hls_master_name)

    @property
    def mp4_url(self) -> str | None:
        return self._output_url(self.mp4_name)

    @property
    def poster_url(self) -> str | None:
        return self._output_url(self.poster_name)

    @property
    def default_rendition(self) -> "VideoRendition | None":
        """The rendition a phone starts on: the lightest one."""
        return min(self.renditions.all(), key=lambda r: r.bandwidth, default=None)

    @property
    def lowest_rendition_bytes_per_minute(self) -> int | None:
        """Data a learner spends per minute at the default (lightest) rendition."""
        rendition = self.default_rendition
        return rendition.bytes_per_minute if rendition else None

    def new_output_prefix(self, token: str) -> str:
        return posixpath.join(OUTPUTS_ROOT, str(self.pk), token)


class VideoRendition(models.Model):
    """One published HLS stream of a video, like Wagtail's image renditions."""

    video = models.ForeignKey(
        Video, on_delete=models.CASCADE, related_name="renditions"
    )
    profile = models.CharField(_("规格"), max_length=16)  # "270p", …, "audio"
    width = models.PositiveIntegerField(_("宽度"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高度"), null=True, blank=True)
    bandwidth = models.PositiveIntegerField(_("码率（bit/s）"), default=0)
    playlist_name = models.CharField(_("播放列表"), max_length=255)
    size_bytes = models.BigIntegerField(_("大小（字节）"), default=0)

    class Meta:
        verbose_name = _("视频清晰度")
        verbose_name_plural = _("视频清晰度")
        ordering = ["bandwidth"]
        constraints = [
            models.UniqueConstraint(
                fields=["video", "profile"], name="media_rendition_video_profile"
            )
        ]

    def __str__(self) -> str:
        return f"{self.video_id}:{self.profile}"

    @property
    def url(self) -> str:
        return default_storage.url(self.playlist_name)

    @property
    def bytes_per_minute(self) -> int:
        return self.bandwidth * 60 // 8


def caption_upload_to(instance: "VideoCaption", filename: str) -> str:
    return posixpath.join(
        "captions",
        str(instance.video_id),
        f"{instance.language}-{uuid.uuid4().hex[:12]}.vtt",
    )


class VideoCaption(models.Model):
    """A WebVTT caption track (SRT uploads are converted before they are stored)."""

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", _("简体中文")
        EN = "en", _("英语")

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(
        _("语言"),
        max_length=16,
        choices=Language.choices,
        default=Language.ZH_HANS,
    )
    label = models.CharField(_("显示名称"), max_length=64, blank=True)
    file = models.FileField(_("WebVTT 文件"), upload_to=caption_upload_to)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("字幕")
        verbose_name_plural = _("字幕")
        # Simplified Chinese first: it is the learners' language.
        ordering = [
            Case(When(language="zh-hans", then=Value(0)), default=Value(1)),
            "language",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["video", "language"], name="media_caption_video_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.video_id}:{self.language}"

    @property
    def display_label(self) -> str:
        return self.label or str(self.get_language_display())

    @property
    def url(self) -> str:
        return self.file.url
