"""The period a dashboard covers: whole Asia/Shanghai weeks, Monday to Sunday."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

DEFAULT_WEEKS = 12
MAX_WEEKS = 104


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def local_today() -> dt.date:
    return timezone.localdate()


@dataclass(frozen=True)
class Period:
    start: dt.date  # a Monday
    end: dt.date  # a Sunday

    @property
    def weeks(self) -> list[dt.date]:
        count = (self.end - self.start).days // 7 + 1
        return [self.start + dt.timedelta(weeks=i) for i in range(count)]

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def as_query(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def period_default(*, today: dt.date | None = None) -> Period:
    today = today or local_today()
    end = week_start(today) + dt.timedelta(days=6)
    return Period(
        start=end - dt.timedelta(weeks=DEFAULT_WEEKS) + dt.timedelta(1), end=end
    )


def period_from_query(params, *, today: dt.date | None = None) -> Period:
    """start/end (ISO dates) snapped to whole weeks; bad or missing: the default."""
    default = period_default(today=today)
    try:
        start = dt.date.fromisoformat(params.get("start", ""))
    except ValueError:
        start = default.start
    try:
        end = dt.date.fromisoformat(params.get("end", ""))
    except ValueError:
        end = default.end
    start, end = week_start(start), week_start(end) + dt.timedelta(days=6)
    if end < start:
        start, end = default.start, default.end
    if (end - start).days // 7 + 1 > MAX_WEEKS:
        start = end - dt.timedelta(weeks=MAX_WEEKS) + dt.timedelta(1)
    return Period(start=start, end=end)
