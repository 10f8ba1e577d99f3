from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtailmedia.models import AbstractMedia


class Video(AbstractMedia):
    """An uploaded video or audio file; its streams are VideoRendition rows."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        PROCESSING = "processing", _("转码中")
        READY = "ready", _("可播放")
        FAILED = "failed", _("失败")

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(_("error"), blank=True)

    admin_form_fields = ("title", "file", "collection", "thumbnail", "tags")

    class Meta(AbstractMedia.Meta):
        verbose_name = _("视频")
        verbose_name_plural = _("视频")
