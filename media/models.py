"""Videos (wagtailmedia's media model), their published renditions and captions.

The transcode job's bookkeeping lives on the Video row: status with progress or a
plain-language error, an attempts counter and a lease (claim token + expiry) that the
worker claims with a conditional UPDATE. Published outputs live under
`output_prefix` in the default storage; a new transcode publishes under a fresh
prefix and switches to it in one transaction.
"""

import posixpath
import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _
from wagtailmedia.models import AbstractMedia, MediaQuerySet

OUTPUTS_ROOT = "videos"


class VideoQuerySet(MediaQuerySet):
    """The transcode job's states as queries (media/services/jobs.py uses them)."""

    def lease_expired(self, now):
        """Processing rows whose worker stopped renewing its lease."""
        return self.filter(
            Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True),
            status=Video.Status.PROCESSING,
        )

    def claimable(self, now):
        """Queued rows, and processing rows whose lease expired."""
        return self.filter(status=Video.Status.QUEUED) | self.lease_expired(now)

    def waiting_since(self, before):
        """Rows queued before that moment (or with no queue time)."""
        return self.filter(Q(queued_at__lt=before) | Q(queued_at__isnull=True))


def original_upload_to(instance: "Video", filename: str) -> str:
    """Originals are stored under an unguessable name (never the uploader's):
    only the admin's original view serves them, to staff who may edit the video."""
    extension = posixpath.splitext(filename)[1].lower()[:8]
    return posixpath.join("originals", f"{uuid.uuid4().hex}{extension}")


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

    # Stored under originals/<random>.<ext>; served only by media_admin:original.
    file = models.FileField(_("文件"), upload_to=original_upload_to)

    objects = VideoQuerySet.as_manager()

    class Meta(AbstractMedia.Meta):
        verbose_name = _("视频")
        verbose_name_plural = _("视频")
        indexes = [
            models.Index(fields=["status", "queued_at"], name="media_video_queue_idx"),
        ]

    def save(self, *args, **kwargs):
        # One transaction, so that the transcode a new file queues (sent on
        # commit, media/services/jobs.py) is sent only once the row is written.
        with transaction.atomic():
            super().save(*args, **kwargs)

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and bool(self.hls_master_name)

    @property
    def is_audio(self) -> bool:
        return self.type == "audio"

    @property
    def url(self) -> str:
        """The original, through the admin view that checks the viewer (wagtailmedia
        links it from its screens). Lesson pages use media.delivery instead."""
        from django.urls import reverse

        return reverse("media_original", args=(self.pk,))

    def rendition_for(self, profile: str | None = None) -> "VideoRendition | None":
        """The rendition a lesson shows (and whose data cost the editor sees).

        `profile` (default LESSON_DEFAULT_RENDITION, e.g. "360p") names the rung; a
        smaller source has no such rung, so its largest rung below it is taken, or
        else its lightest one. Audio-only streams are never chosen.
        """
        wanted = profile or settings.LESSON_DEFAULT_RENDITION
        renditions = [r for r in self.renditions.all() if r.height or r.width]
        if not renditions:
            return None
        for rendition in renditions:
            if rendition.profile == wanted:
                return rendition
        limit = int(wanted.rstrip("p"))
        smaller = [r for r in renditions if min(r.width or 0, r.height or 0) <= limit]
        if smaller:
            return max(smaller, key=lambda r: r.bandwidth)
        return min(renditions, key=lambda r: r.bandwidth)

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
        """The file for staff who may edit the video (the admin links it); lesson
        pages use media.delivery's signed URLs."""
        from django.urls import reverse

        return reverse("media_caption", args=(self.pk,))


class RetiredOutputs(models.Model):
    """A video's previously published output prefix, kept after a new transcode
    switched away from it until every playback token naming it has expired
    (MEDIA_PLAY_TOKEN_SECONDS); then media.tasks.purge_retired_outputs deletes it."""

    video = models.ForeignKey(
        Video, on_delete=models.CASCADE, related_name="retired_outputs"
    )
    prefix = models.CharField(_("输出目录"), max_length=255, unique=True)
    retired_at = models.DateTimeField(_("替换时间"), db_index=True)

    class Meta:
        verbose_name = _("已替换的转码输出")
        verbose_name_plural = _("已替换的转码输出")

    def __str__(self) -> str:
        return self.prefix
