"""Media services: the only code that changes Video, VideoRendition and VideoCaption.

Views, tasks, signals and the import command parse their input and call these.
"""

from media.services.captions import caption_attach, caption_delete
from media.services.jobs import (
    transcode_not_sent,
    video_claim,
    video_enqueue_transcode,
    video_fail,
    video_file_changed,
    video_reconcile,
    video_requeue,
    video_retry,
    video_take_over_dead_claim,
    video_transcode_time_limits,
)
from media.services.outputs import retired_outputs_purge, video_delete_outputs
from media.services.transcoding import TranscodeOutcome, video_transcode
from media.services.uploads import video_apply_probe, video_create, video_probe_upload

__all__ = [
    "TranscodeOutcome",
    "retired_outputs_purge",
    "transcode_not_sent",
    "video_fail",
    "video_file_changed",
    "video_requeue",
    "caption_attach",
    "caption_delete",
    "video_apply_probe",
    "video_claim",
    "video_create",
    "video_delete_outputs",
    "video_enqueue_transcode",
    "video_probe_upload",
    "video_reconcile",
    "video_retry",
    "video_take_over_dead_claim",
    "video_transcode",
    "video_transcode_time_limits",
]
