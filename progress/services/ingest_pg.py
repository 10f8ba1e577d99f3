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

from django.db import DatabaseError, connection, transaction
from django.db.models import DateTimeField

from lessons.models import LessonPage
from lessons.selectors import LEARNER_LESSONS_SQL
from progress.models import DailyLearning, LessonProgress, ProgressEvent

# PostgreSQL types of the event columns: the rows go through a VALUES list whose
# types PostgreSQL cannot infer from the target table.
EVENT_COLUMNS = (
    ("event_id", "uuid"), ("user_id", "integer"), ("lesson_id", "integer"),
    ("type", "text"), ("block_id", "text"), ("position", "float8"),
    ("played_start", "float8"), ("played_end", "float8"),
    ("wall_seconds", "float8"), ("rate", "float8"), ("client_time", "timestamptz"),
    ("credited_start", "float8"), ("credited_end", "float8"),
    ("credited_seconds", "float8"), ("flag", "text"), ("data", "jsonb"),
    ("payload_hash", "text"), ("received_at", "timestamptz"),
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


def batch_state(
    *, user_id: int, lesson_ids: list[int], event_ids: list[uuid.UUID]
) -> BatchState:
    """What the batch is checked and folded against, in one SELECT."""
    with connection.cursor() as cursor:
        cursor.execute(
            _READ_SQL,
            [lesson_ids, user_id, lesson_ids, event_ids, user_id, lesson_ids],
        )
        lessons_json, rows_json, hashes_json, choices_json = cursor.fetchone()
    lessons = {}
    for pk, path, published, revision in lessons_json:
        lesson = LessonPage(
            pk=pk,
            path=path,
            depth=len(path) // LessonPage.steplen,
            last_published_at=_timestamp(published),
            latest_revision_id=revision,
        )
        lesson._state.adding = False
        lessons[pk] = lesson
    rows = {data["lesson_id"]: _row_from_json(data) for data in rows_json}
    hashes = {uuid.UUID(event_id): digest for event_id, digest in hashes_json}
    choices: dict[int, dict[str, int]] = {}
    for lesson_id, decision_id, option_index in choices_json:
        choices.setdefault(lesson_id, {})[decision_id] = option_index
    return BatchState(lessons=lessons, rows=rows, hashes=hashes, choices=choices)


def _values(rows: list[tuple], types: tuple[str, ...]) -> tuple[str, list]:
    one = "(" + ",".join(f"%s::{t}" for t in types) + ")"
    return ",".join([one] * len(rows)), [value for row in rows for value in row]


def _progress_insert(rows: list[LessonProgress], conflict: str) -> tuple[str, list]:
    table = LessonProgress._meta.db_table
    columns = ",".join(f.column for f in _PROGRESS_FIELDS)
    one = "(" + ",".join(["%s"] * len(_PROGRESS_FIELDS)) + ")"
    params = [
        f.get_db_prep_save(getattr(row, f.attname), connection)
        for row in rows
        for f in _PROGRESS_FIELDS
    ]
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES {','.join([one] * len(rows))}"
        f" ON CONFLICT (user_id, lesson_id) {conflict} RETURNING lesson_id"
    )
    return sql, params


def _write_sql(
    *,
    user_id: int,
    existing: list[LessonProgress],
    fresh: list[LessonProgress],
    events: list[dict],
    ledger: dict,
    synchronous_commit: bool,
) -> tuple[str, list]:
    ctes, params, gates = [], [], []
    if not synchronous_commit:
        # Trade-off, off by default: the commit returns before its WAL is on
        # disk (see README "Progress"). set_config(..., true) is this
        # statement's transaction only.
        ctes.append("cfg AS (SELECT set_config('synchronous_commit', 'off', true))")
        gates.append("(SELECT count(*) FROM cfg) = 1")
    row_ctes = []
    if existing:
        table = LessonProgress._meta.db_table
        updates = ",".join(
            f"{f.column} = EXCLUDED.{f.column}"
            for f in _PROGRESS_FIELDS
            if f.column not in ("user_id", "lesson_id")
        )
        sql, row_params = _progress_insert(
            existing,
            f"DO UPDATE SET {updates} WHERE {table}.revision = EXCLUDED.revision - 1",
        )
        ctes.append(f"changed AS ({sql})")
        params += row_params
        row_ctes.append("(SELECT count(*) FROM changed)")
    if fresh:
        sql, row_params = _progress_insert(fresh, "DO NOTHING")
        ctes.append(f"created AS ({sql})")
        params += row_params
        row_ctes.append("(SELECT count(*) FROM created)")
    rows_written = " + ".join(row_ctes) or "0"
    rows_expected = len(existing) + len(fresh)
    # Rows first: the events wait for them (see the module docstring).
    names = [name for name, _type in EVENT_COLUMNS]
    values, event_params = _values(
        # `data` is JSON text already (events._credit_rows).
        [
            tuple(event[name] for name in names)
            for event in sorted(events, key=lambda event: event["event_id"])
        ],
        tuple(t for _name, t in EVENT_COLUMNS),
    )
    ctes.append(
        f"stored AS (INSERT INTO {ProgressEvent._meta.db_table} ({','.join(names)})"
        f" SELECT * FROM (VALUES {values}) v WHERE {rows_written} = %s"
        " ON CONFLICT (event_id) DO NOTHING RETURNING event_id)"
    )
    params += event_params + [rows_expected]
    if ledger:
        table = DailyLearning._meta.db_table
        days = sorted(ledger)
        values, ledger_params = _values(
            [
                (user_id, day, float(ledger[day][0]), float(ledger[day][1]))
                + (int(ledger[day][2]),)
                for day in days
            ],
            ("integer", "date", "float8", "float8", "integer"),
        )
        ctes.append(
            f"added AS (INSERT INTO {table} (user_id, day, watched_seconds,"
            " read_seconds, lessons_completed)"
            f" SELECT * FROM (VALUES {values}) v"
            " WHERE (SELECT count(*) FROM stored) >= 0"
            " ON CONFLICT (user_id, day) DO UPDATE SET"
            f" watched_seconds = {table}.watched_seconds + EXCLUDED.watched_seconds,"
            f" read_seconds = {table}.read_seconds + EXCLUDED.read_seconds,"
            f" lessons_completed = {table}.lessons_completed"
            " + EXCLUDED.lessons_completed RETURNING 1)"
        )
        params += ledger_params
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
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params)
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
    except DatabaseError as exc:
        if getattr(exc.__cause__, "sqlstate", None) in RETRY_SQLSTATES:
            raise LostRace from exc
        raise
