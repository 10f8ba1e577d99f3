"""The progress ingest's two PostgreSQL statements: one read, one write.

The request rate of POST /api/progress/events is bound by database round trips
(a batch used to cost ten: restrictions, lessons, BEGIN, insert, lock, update,
ledger, COMMIT), so on PostgreSQL a batch costs two, beside the session and
the user that every request costs:

1. batch_state(): one SELECT reading which lessons the worker may open (the
   rule of lessons.selectors.lessons_for_learner, as SQL), their progress rows,
   which event ids are stored already (with their payload hash, for the 409)
   and the worker's decisions in those lessons. No lock is taken.
2. batch_write(): one statement, so one implicit transaction, that upserts the
   folded progress rows (only where `revision` is still the one read), inserts
   the new events (ON CONFLICT (event_id) DO NOTHING) and adds to the ledger.
   If another request changed a row or stored one of the events meanwhile,
   progress_lost_race() (migration 0002) raises serialization_failure: the
   whole statement is rolled back and the caller reads again (LostRace).

Progress rows are written before events are inserted, and events before the
ledger (each sub-statement reads the one before), so concurrent batches of one
worker queue on the progress row first and take their locks in one order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import orjson
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import DateTimeField

from lessons.models import LessonPage
from lessons.selectors import LEARNER_LESSONS_SQL
from progress.models import DailyLearning, LessonProgress, ProgressEvent

EVENT_COLUMNS = (
    "event_id", "user_id", "lesson_id", "type", "block_id", "position",
    "played_start", "played_end", "wall_seconds", "rate", "client_time",
    "credited_start", "credited_end", "credited_seconds", "flag", "data",
    "payload_hash", "received_at",
)  # fmt: skip
RETRY_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected

_PROGRESS_FIELDS = [
    f for f in LessonProgress._meta.concrete_fields if not f.primary_key
]


class LostRace(Exception):
    """A concurrent request changed what was read: read again and retry."""


@dataclass
class BatchState:
    # Lesson id -> a LessonPage carrying the columns the rule's cache needs.
    lessons: dict[int, LessonPage]
    # Lesson id -> the worker's stored row (absent: none yet).
    rows: dict[int, LessonProgress]
    # Event id -> stored payload hash, for the ids of the batch already stored.
    hashes: dict[uuid.UUID, str]
    # Lesson id -> {decision id: option index}, later choices winning.
    choices: dict[int, dict[str, int]] = field(default_factory=dict)


_READ_SQL = f"""
SELECT
  (SELECT coalesce(json_agg(json_build_array(
          v.id, v.path, v.last_published_at, v.latest_revision_id)), '[]')
     FROM ({LEARNER_LESSONS_SQL}) v),
  (SELECT coalesce(json_agg(lp), '[]') FROM {LessonProgress._meta.db_table} lp
     WHERE lp.user_id = %s AND lp.lesson_id = ANY(%s)),
  (SELECT coalesce(json_agg(json_build_array(e.event_id, e.payload_hash)), '[]')
     FROM {ProgressEvent._meta.db_table} e WHERE e.event_id = ANY(%s)),
  (SELECT coalesce(json_agg(json_build_array(d.lesson_id, d.decision_id,
          d.option_index) ORDER BY d.chosen_at, d.id), '[]')
     FROM lessons_decisionchoice d WHERE d.user_id = %s AND d.lesson_id = ANY(%s))
"""


class _PreparedCursor(ServerBindingCursor):
    """Server-side binding, each statement prepared once per connection.

    psycopg does not quote 20 ids and a JSON document into the text, nor does
    PostgreSQL parse them back out; and both statements, the same text every
    time, are planned once per connection: planning was most of the read's
    cost (0.6 ms of database CPU a batch unprepared, 0.2 ms prepared). A plan
    made while the tables were small is remade when ANALYZE updates their
    statistics (PostgreSQL replans a prepared statement then).

    Django keeps prepared statements off (for transaction-pooling proxies such
    as PgBouncer before 1.21); PROGRESS_PREPARED_STATEMENTS = False keeps these
    two off as well.
    """

    def execute(self, query, params=None, *, prepare=None, binary=None):
        prepare = settings.PROGRESS_PREPARED_STATEMENTS
        return super().execute(query, params, prepare=prepare, binary=binary)


# psycopg prepares nothing while a connection's threshold is None (Django's
# default). Any number enables explicit prepare=True; Django's own queries run
# on client-binding cursors, which never prepare, so they are not affected.
_PREPARE_THRESHOLD = 1_000_000


def _cursor():
    """A _PreparedCursor inside Django's wrapper (query logging,
    execute_wrappers and error translation work as for any other query)."""
    connection.ensure_connection()
    raw = connection.connection
    if settings.PROGRESS_PREPARED_STATEMENTS and raw.prepare_threshold is None:
        raw.prepare_threshold = _PREPARE_THRESHOLD
    return connection._prepare_cursor(_PreparedCursor(raw))


def _timestamp(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _row_from_json(data: dict) -> LessonProgress:
    values = {}
    for f in LessonProgress._meta.concrete_fields:
        value = data[f.column]
        if isinstance(f, DateTimeField):
            value = _timestamp(value)
        values[f.attname] = value
    row = LessonProgress(**values)
    row._state.adding = False
    return row


@lru_cache(maxsize=4096)
def _lesson_ref(pk: int, path: str, published: str | None, revision: int | None):
    """A LessonPage carrying only the columns read, shared while they hold.

    Building a Wagtail page instance costs more than folding a batch; the
    arguments are the instance's whole content, so a cached one is the same.
    Nobody saves or changes it (the fold reads pk and the revision).
    """
    lesson = LessonPage(
        pk=pk,
        path=path,
        depth=len(path) // LessonPage.steplen,
        last_published_at=_timestamp(published),
        latest_revision_id=revision,
    )
    lesson._state.adding = False
    return lesson


def batch_state(
    *, user_id: int, lesson_ids: list[int], event_ids: list[uuid.UUID]
) -> BatchState:
    """What the batch is checked and folded against, in one SELECT."""
    with _cursor() as cursor:
        cursor.execute(
            _READ_SQL,
            [lesson_ids, user_id, lesson_ids, event_ids, user_id, lesson_ids],
        )
        lessons_json, rows_json, hashes_json, choices_json = cursor.fetchone()
    lessons = {
        pk: _lesson_ref(pk, path, published, revision)
        for pk, path, published, revision in lessons_json
    }
    rows = {data["lesson_id"]: _row_from_json(data) for data in rows_json}
    hashes = {uuid.UUID(event_id): digest for event_id, digest in hashes_json}
    choices: dict[int, dict[str, int]] = {}
    for lesson_id, decision_id, option_index in choices_json:
        choices.setdefault(lesson_id, {})[decision_id] = option_index
    return BatchState(lessons=lessons, rows=rows, hashes=hashes, choices=choices)


def _json(rows: list[dict]) -> str:
    """Rows as one JSON parameter, unpacked by jsonb_populate_recordset().

    One parameter, not one per value: psycopg neither parses nor quotes 400
    placeholders per batch, and the statement's text stays the same, so its
    parse is cached. orjson writes the ids, times and dates itself; with the
    standard library's default= callback, encoding was a tenth of the request.
    """
    return orjson.dumps(rows).decode()


def _progress_json(rows: list[LessonProgress]) -> str:
    return _json(
        [{f.column: getattr(row, f.attname) for f in _PROGRESS_FIELDS} for row in rows]
    )


def _from_json(table: str, columns: str) -> str:
    return (
        f"INSERT INTO {table} ({columns}) SELECT {columns}"
        f" FROM jsonb_populate_recordset(NULL::{table}, %s::jsonb) v"
    )


_PROGRESS_TABLE = LessonProgress._meta.db_table
_PROGRESS_COLUMNS = ",".join(f.column for f in _PROGRESS_FIELDS)
_PROGRESS_UPDATES = ",".join(
    f"{f.column} = EXCLUDED.{f.column}"
    for f in _PROGRESS_FIELDS
    if f.column not in ("user_id", "lesson_id")
)
_EVENT_TABLE = ProgressEvent._meta.db_table
_EVENT_COLUMNS = ",".join(EVENT_COLUMNS)
_LEDGER_TABLE = DailyLearning._meta.db_table
_LEDGER_COLUMNS = "user_id,day,watched_seconds,read_seconds,lessons_completed"


def _write_sql(
    *,
    user_id: int,
    existing: list[LessonProgress],
    fresh: list[LessonProgress],
    events: list[dict],
    ledger: dict,
    synchronous_commit: bool,
) -> tuple[str, list]:
    ctes, params, gates, row_counts = [], [], [], []
    if not synchronous_commit:
        # Trade-off, off by default: the commit returns before its WAL is on
        # disk (see README "Progress"). set_config(..., true) is this
        # statement's transaction only.
        ctes.append("cfg AS (SELECT set_config('synchronous_commit', 'off', true))")
        gates.append("(SELECT count(*) FROM cfg) = 1")
    if existing:
        # Written only where the revision is still the one read (folded: +1).
        ctes.append(
            f"changed AS ({_from_json(_PROGRESS_TABLE, _PROGRESS_COLUMNS)}"
            f" ORDER BY v.lesson_id ON CONFLICT (user_id, lesson_id) DO UPDATE SET"
            f" {_PROGRESS_UPDATES} WHERE {_PROGRESS_TABLE}.revision"
            " = EXCLUDED.revision - 1 RETURNING lesson_id)"
        )
        params.append(_progress_json(existing))
        row_counts.append("(SELECT count(*) FROM changed)")
    if fresh:
        ctes.append(
            f"created AS ({_from_json(_PROGRESS_TABLE, _PROGRESS_COLUMNS)}"
            " ORDER BY v.lesson_id ON CONFLICT (user_id, lesson_id) DO NOTHING"
            " RETURNING lesson_id)"
        )
        params.append(_progress_json(fresh))
        row_counts.append("(SELECT count(*) FROM created)")
    rows_written = " + ".join(row_counts)
    rows_expected = len(existing) + len(fresh)
    # Rows first: the events wait for them (see the module docstring).
    ctes.append(
        f"stored AS ({_from_json(_EVENT_TABLE, _EVENT_COLUMNS)}"
        f" WHERE {rows_written} = %s ORDER BY v.event_id"
        " ON CONFLICT (event_id) DO NOTHING RETURNING event_id)"
    )
    params += [_json(events), rows_expected]
    if ledger:
        ctes.append(
            f"added AS ({_from_json(_LEDGER_TABLE, _LEDGER_COLUMNS)}"
            " WHERE (SELECT count(*) FROM stored) >= 0 ORDER BY v.day"
            " ON CONFLICT (user_id, day) DO UPDATE SET"
            f" watched_seconds = {_LEDGER_TABLE}.watched_seconds"
            " + EXCLUDED.watched_seconds,"
            f" read_seconds = {_LEDGER_TABLE}.read_seconds + EXCLUDED.read_seconds,"
            f" lessons_completed = {_LEDGER_TABLE}.lessons_completed"
            " + EXCLUDED.lessons_completed RETURNING 1)"
        )
        params.append(
            _json(
                [
                    {
                        "user_id": user_id,
                        "day": day,
                        "watched_seconds": float(watched),
                        "read_seconds": float(read),
                        "lessons_completed": int(completed),
                    }
                    for day, (watched, read, completed) in sorted(ledger.items())
                ]
            )
        )
        gates.append("(SELECT count(*) FROM added) >= 0")
    gates += [f"{rows_written} = %s", "(SELECT count(*) FROM stored) = %s"]
    params += [rows_expected, len(events)]
    sql = (
        "WITH " + ", ".join(ctes) + f" SELECT CASE WHEN {' AND '.join(gates)} THEN true"
        " ELSE progress_lost_race('a progress row or event') END"
    )
    return sql, params


def batch_write(
    *,
    user_id: int,
    existing: list[LessonProgress],
    fresh: list[LessonProgress],
    events: list[dict],
    ledger: dict,
    synchronous_commit: bool = True,
) -> None:
    """Write folded rows, new events and ledger deltas in one statement.

    `existing` rows were read with their revision and folded (revision + 1);
    `fresh` rows did not exist when read. Raises LostRace when either changed.
    """
    sql, params = _write_sql(
        user_id=user_id,
        existing=sorted(existing, key=lambda row: row.lesson_id),
        fresh=sorted(fresh, key=lambda row: row.lesson_id),
        events=events,
        ledger=ledger,
        synchronous_commit=synchronous_commit,
    )
    try:
        if connection.in_atomic_block:
            # Inside a transaction (tests, a caller's atomic block) the failed
            # statement must not abort the outer transaction: a savepoint.
            with transaction.atomic(), _cursor() as cursor:
                cursor.execute(sql, params)
        else:
            with _cursor() as cursor:
                cursor.execute(sql, params)
    except DatabaseError as exc:
        if getattr(exc.__cause__, "sqlstate", None) in RETRY_SQLSTATES:
            raise LostRace from exc
        raise
