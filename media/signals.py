"""Model signals for videos, connected in MediaConfig.ready().

They only notice: a new file being saved (an upload, or a replacement on the
edit page) is handed to media.services.video_file_changed, which queues the job;
a deleted video's outputs and a deleted caption's file are removed from storage
once the deletion commits. Nothing here runs ffmpeg or writes a status.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, pre_save

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


def notice_new_file(sender, instance: Video, raw=False, **kwargs) -> None:
    if not raw and _file_is_new(instance):
        from media.services import video_file_changed

        video_file_changed(video=instance)


def delete_outputs_after_delete(sender, instance: Video, **kwargs) -> None:
    from media.services import video_delete_outputs

    video_id = instance.pk
    transaction.on_commit(lambda: video_delete_outputs(video_id=video_id), robust=True)


def delete_caption_file(sender, instance: VideoCaption, **kwargs) -> None:
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name), robust=True)


def register_signal_handlers() -> None:
    pre_save.connect(notice_new_file, sender=Video)
    post_delete.connect(delete_outputs_after_delete, sender=Video)
    post_delete.connect(delete_caption_file, sender=VideoCaption)
