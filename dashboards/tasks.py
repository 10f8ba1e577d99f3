from celery import shared_task

from dashboards.services.stats import stats_refresh_dirty


@shared_task(ignore_result=True)
def refresh_dirty_stats() -> int:
    """Each minute: the figures of workers touched since the last run."""
    return stats_refresh_dirty()
