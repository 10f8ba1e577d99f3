"""Figures computed straight from the raw rows, per worker (the source of truth).

dashboards.services.stats stores these per worker and folds them into the unit
tables; the tests compare the stored figures with these and with their own
hand computation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from cms.roles import LEARNERS

WEEK_FIELDS = (
    "learning_seconds",
    "completions",
    "quiz_attempts",
    "quiz_score_sum",
    "quiz_passed",
)


@dataclass
class RawWorker:
    user_id: int
    org_unit_id: int
    path: str
    assigned: int = 0
    completed: int = 0
    overdue: int = 0
    last_active_at: dt.datetime | None = None
    learning_seconds: int = 0
    quiz_attempts: int = 0
    quiz_score_sum: float = 0.0
    quiz_passed: int = 0
    gain_sum: float = 0.0
    gain_count: int = 0
    # week (a Monday) -> {field: value} for WEEK_FIELDS
    weeks: dict[dt.date, dict] = field(default_factory=dict)
    # lesson id -> (assigned, started, completed)
    lessons: dict[int, tuple[bool, bool, bool]] = field(default_factory=dict)


def workers_qs():
    """Who counts as a worker: an active learner with a profile (an org unit)."""
    return get_user_model().objects.filter(
        is_active=True, groups__name=LEARNERS, profile__isnull=False
    )


def raw_workers(user_ids, *, now: dt.datetime | None = None) -> dict[int, RawWorker]:
    """The figures of those of user_ids who are workers, from raw rows."""
    rows = (
        workers_qs()
        .filter(pk__in=list(user_ids))
        .values_list("pk", "profile__org_unit_id", "profile__org_unit__path")
    )
    workers = {pk: RawWorker(pk, unit_id, path) for pk, unit_id, path in rows}
    if workers:
        fill_activity(workers, now=now)
    return workers


def fill_activity(workers: dict[int, RawWorker], *, now=None) -> None:
    """Assignments, progress and quiz figures (filled in by the learning apps)."""
