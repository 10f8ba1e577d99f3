"""Celery tasks: thin wrappers that take ids and call the services.

transcode_video runs on the dedicated "transcode" queue (CELERY_TASK_ROUTES). It
acknowledges late and is rejected back to the queue when its worker process is
lost, so a kill never silently drops the job; the row's claim makes any second
delivery harmless. Its time limits are set per video when it is sent.
"""

import os

from celery import current_task, shared_task

from media.services import retired_outputs_purge, video_reconcile, video_transcode


@shared_task(
    name="media.tasks.transcode_video",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def transcode_video(video_id: int) -> str:
    hostname = getattr(current_task.request, "hostname", "") or ""
    # host:pid of the process doing the work (ops can see who holds a claim).
    worker = f"{hostname}:{os.getpid()}"
    return str(video_transcode(video_id=video_id, worker=worker))


@shared_task(name="media.tasks.reconcile_videos", ignore_result=True)
def reconcile_videos() -> int:
    return video_reconcile()


@shared_task(name="media.tasks.purge_retired_outputs", ignore_result=True)
def purge_retired_outputs() -> int:
    return retired_outputs_purge()
