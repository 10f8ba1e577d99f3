"""Model signals for videos, connected in MediaConfig.ready().

Saving a new file (an upload, or a replacement on the edit page) queues the
transcode job on commit; deleting a video removes every output from storage.
Nothing here runs ffmpeg.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from media.models import Video, VideoCaption


def _file_is_new(instance: Video) -> bool:
    if not instance.file:
        return False
    # An uploaded file not yet written to storage: the FileField saves it during
    # this save(), after pre_save, so the stored name cannot be compared yet.
    if not getattr(instance.file, "_committed", True):
        return True
    stored = (
        Video.objects.filter(pk=instance.pk).values_list("file", flat=True).first()
        if instance.pk
        else None
    )
    return stored != instance.file.name


def queue_when_file_changes(sender, instance: Video, raw=False, **kwargs) -> None:
    if raw or not _file_is_new(instance):
        return
    if instance.pk is not None or instance.status == Video.Status.QUEUED:
        instance.status = Video.Status.QUEUED
        instance.progress = 0
        instance.error = ""
        instance.attempts = 0
        instance.claim_token = ""
        instance.lease_expires_at = None
        instance.queued_at = timezone.now()
        instance._transcode_needed = True


def enqueue_after_save(sender, instance: Video, raw=False, **kwargs) -> None:
    if raw or not getattr(instance, "_transcode_needed", False):
        return
    instance._transcode_needed = False
    if getattr(instance, "_transcode_enqueue_deferred", False):
        return
    from media.services import video_enqueue_transcode

    video_enqueue_transcode(video=instance)


def delete_outputs_after_delete(sender, instance: Video, **kwargs) -> None:
    from media.services import video_delete_outputs

    video_id = instance.pk
    transaction.on_commit(lambda: video_delete_outputs(video_id=video_id), robust=True)


def delete_caption_file(sender, instance: VideoCaption, **kwargs) -> None:
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name), robust=True)


def register_signal_handlers() -> None:
    pre_save.connect(queue_when_file_changes, sender=Video)
    post_save.connect(enqueue_after_save, sender=Video)
    post_delete.connect(delete_outputs_after_delete, sender=Video)
    post_delete.connect(delete_caption_file, sender=VideoCaption)
