"""The 学时 ledger: seconds watched and read per worker per Asia/Shanghai day."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import connection

from progress.models import DailyLearning

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_day(moment: datetime) -> date:
    """The Asia/Shanghai calendar day of a UTC timestamp."""
    return moment.astimezone(SHANGHAI).date()


def ledger_add(*, user_id: int, deltas: dict[date, list]) -> None:
    """Add [watched_seconds, read_seconds, lessons_completed] to each day (one upsert).

    Days in date order, so concurrent requests of one worker lock rows alike.
    """
    days = sorted(deltas)
    if not days:
        return
    table = DailyLearning._meta.db_table
    values = ",".join(["(%s,%s,%s,%s,%s)"] * len(days))
    params: list = []
    for day in days:
        watched, read, completed = deltas[day]
        params += [user_id, day, float(watched), float(read), int(completed)]
    sql = (
        f"INSERT INTO {table} (user_id, day, watched_seconds, read_seconds,"
        f" lessons_completed) VALUES {values}"
        " ON CONFLICT (user_id, day) DO UPDATE SET"
        f" watched_seconds = {table}.watched_seconds + EXCLUDED.watched_seconds,"
        f" read_seconds = {table}.read_seconds + EXCLUDED.read_seconds,"
        f" lessons_completed = {table}.lessons_completed"
        " + EXCLUDED.lessons_completed"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
