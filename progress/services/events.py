"""Storing a batch of progress events and folding the new ones into progress.

events_record() is the whole write path of POST /api/progress/events:
1. clamp each played interval (progress.intervals) against the lesson's facts
   (cached per process by lesson id and published revision);
2. events whose id is stored already: same payload hash = duplicate (nothing
   changes), another hash = conflict (409 for that event);
3. only the events new now are stored (ON CONFLICT (event_id) DO NOTHING) and
   folded into LessonProgress and the DailyLearning ledger.
Since each event is inserted once and the fold is a union/max, replays, reorders
and late arrivals change nothing already counted.

On PostgreSQL that is two statements, a read and a write checked against what
was read (progress.services.ingest_pg); elsewhere (the embedded demo's SQLite)
one transaction under row locks.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from progress.intervals import clamp
from progress.lesson_rules import LessonFacts, lesson_facts
from progress.models import LessonProgress, ProgressEvent
from progress.services import ingest_pg
from progress.services.ledger import ledger_add
from progress.services.progress import FoldEvent, progress_fold, progress_fold_row

# A client clock this far ahead of the server is wrong; its time is clamped.
CLOCK_AHEAD_TOLERANCE = timedelta(minutes=5)
PLAYED_TYPES = {"tick", "pause", "ended", "seek"}


@dataclass(frozen=True)
class EventData:
    """One validated event as the client sent it."""

    event_id: uuid.UUID
    lesson_id: int
    type: str
    client_time: datetime
    block_id: str = ""
    position: float | None = None
    played_start: float | None = None
    played_end: float | None = None
    wall_seconds: float | None = None
    rate: float | None = None
    data: dict = field(default_factory=dict)

    def canonical(self, user_id: int) -> str:
        return json.dumps(
            [
                user_id,
                str(self.event_id),
                self.lesson_id,
                self.type,
                self.client_time.isoformat(),
                self.block_id,
                self.position,
                self.played_start,
                self.played_end,
                self.wall_seconds,
                self.rate,
                self.data,
            ],
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )

    def payload_hash(self, user_id: int) -> str:
        return hashlib.sha256(self.canonical(user_id).encode()).hexdigest()


class Outcome:
    STORED = "stored"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"


@dataclass
class BatchResult:
    outcomes: dict[uuid.UUID, str]
    # Lesson id -> the progress row after folding (for the response).
    progress: dict[int, object]
    # The batch's lessons the worker may open (events of others: 404).
    visible: set[int] = field(default_factory=set)


_COLUMNS = (
    "event_id", "user_id", "lesson_id", "type", "block_id", "position",
    "played_start", "played_end", "wall_seconds", "rate", "client_time",
    "credited_start", "credited_end", "credited_seconds", "flag", "data",
    "payload_hash", "received_at",
)  # fmt: skip


def _credit_rows(
    *, user_id: int, events: list[EventData], facts: dict[int, LessonFacts], now
) -> list[dict]:
    rows = []
    # Windows of wall-clock time already credited in this batch: one phone plays
    # one thing at a time, so overlapping windows are cut (flag overlap).
    windows: list[tuple[datetime, datetime]] = []
    ordered = sorted(events, key=lambda e: (e.client_time, str(e.event_id)))
    for event in ordered:
        client_time, flag = event.client_time, ""
        if client_time > now + CLOCK_AHEAD_TOLERANCE:
            client_time, flag = now, "clock"
        credited = (None, None, 0.0)
        has_interval = (
            event.type in PLAYED_TYPES
            and event.played_start is not None
            and event.played_end is not None
        )
        if has_interval:
            span = facts[event.lesson_id].videos.get(event.block_id)
            if span is None:
                flag = flag or "unknown_video"
            else:
                wall = event.wall_seconds or 0.0
                window_end = client_time
                window_start = window_end - timedelta(seconds=wall)
                for w_start, w_end in windows:
                    if window_start < w_end and w_start < window_end:
                        overlap = (
                            min(w_end, window_end) - max(w_start, window_start)
                        ).total_seconds()
                        wall = max(0.0, wall - overlap)
                        flag = flag or "overlap"
                windows.append((window_start, window_end))
                credit = clamp(
                    start=event.played_start,
                    end=event.played_end,
                    wall_seconds=wall,
                    rate=event.rate or 1.0,
                    span=span,
                )
                flag = flag or credit.flag
                credited = (credit.start, credit.end, credit.seconds)
        rows.append(
            {
                "event_id": event.event_id,
                "user_id": user_id,
                "lesson_id": event.lesson_id,
                "type": event.type,
                "block_id": event.block_id,
                "position": event.position,
                "played_start": event.played_start,
                "played_end": event.played_end,
                "wall_seconds": event.wall_seconds,
                "rate": event.rate,
                "client_time": client_time,
                "credited_start": credited[0],
                "credited_end": credited[1],
                "credited_seconds": credited[2],
                "flag": flag,
                "data": event.data,
                "payload_hash": event.payload_hash(user_id),
                "received_at": now,
            }
        )
    return rows


def _insert(rows: list[dict]) -> set[uuid.UUID]:
    """One INSERT ... ON CONFLICT DO NOTHING; the ids actually inserted.

    Rows go in event id order, so two requests carrying the same ids wait for
    each other in one order and never deadlock.
    """
    rows = sorted(rows, key=lambda row: row["event_id"])
    table = ProgressEvent._meta.db_table
    placeholders = "(" + ",".join(["%s"] * len(_COLUMNS)) + ")"
    sql = (
        f"INSERT INTO {table} ({','.join(_COLUMNS)}) VALUES "
        + ",".join([placeholders] * len(rows))
        + " ON CONFLICT (event_id) DO NOTHING RETURNING event_id"
    )
    # Each value as its field stores it: the same objects on PostgreSQL, while
    # SQLite (the embedded run) keeps a UUID as 32 hex digits and datetimes as
    # text; `data` as JSON text.
    fields = {f.column: f for f in ProgressEvent._meta.concrete_fields}
    params = [
        json.dumps(row[column], ensure_ascii=False)
        if column == "data"
        else fields[column].get_db_prep_save(row[column], connection)
        for row in rows
        for column in _COLUMNS
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
            for (value,) in cursor.fetchall()
        }


def _split(events: list[EventData]) -> tuple[dict[uuid.UUID, EventData], list]:
    """The first event of each id, and the later ones repeating an id."""
    unique: dict[uuid.UUID, EventData] = {}
    repeats: list[EventData] = []
    for event in events:
        if event.event_id in unique:
            repeats.append(event)
        else:
            unique[event.event_id] = event
    return unique, repeats


def _outcomes(
    *, user_id: int, rows: list[dict], repeats: list[EventData], inserted, hashes
) -> dict[uuid.UUID, str]:
    """stored / duplicate / conflict per id; `hashes` are the stored ones."""
    outcomes: dict[uuid.UUID, str] = {}
    for row in rows:
        event_id = row["event_id"]
        if event_id in inserted:
            outcomes[event_id] = Outcome.STORED
        elif hashes.get(event_id) == row["payload_hash"]:
            outcomes[event_id] = Outcome.DUPLICATE
        else:
            outcomes[event_id] = Outcome.CONFLICT
    for event in repeats:
        same = hashes.get(event.event_id) == event.payload_hash(user_id)
        if outcomes.get(event.event_id) == Outcome.CONFLICT or not same:
            outcomes[event.event_id] = Outcome.CONFLICT
    return outcomes


def _fold_events(
    rows: list[dict], unique: dict[uuid.UUID, EventData], now
) -> dict[int, list[FoldEvent]]:
    by_lesson: dict[int, list[FoldEvent]] = defaultdict(list)
    for row in rows:
        by_lesson[row["lesson_id"]].append(
            FoldEvent(
                type=row["type"],
                block_id=row["block_id"],
                position=row["position"],
                credited_start=row["credited_start"],
                credited_end=row["credited_end"],
                credited_seconds=row["credited_seconds"],
                rate=row["rate"],
                flag=row["flag"],
                client_time=row["client_time"],
                read_seconds=_read_seconds(unique[row["event_id"]]),
                received_at=now,
            )
        )
    return by_lesson


def _add_ledger(total: dict, deltas: dict) -> None:
    for day, (watched, read, completed) in deltas.items():
        total[day][0] += watched
        total[day][1] += read
        total[day][2] += completed


def events_record(*, user, events: list[EventData], now=None) -> BatchResult:
    """Store a batch (idempotently) and fold what is new; see the module docstring.

    Events of lessons the worker may not open are left out (the result's
    `visible` lacks their lesson). Repeated ids within one batch: the first is
    stored, a later one is a duplicate or a conflict.
    """
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        return _record_in_two_statements(user=user, events=events, now=now)
    return _record_in_a_transaction(user=user, events=events, now=now)


MAX_ATTEMPTS = 8


def _record_in_two_statements(*, user, events: list[EventData], now) -> BatchResult:
    """PostgreSQL: one read and one write statement (progress.services.ingest_pg).

    Nothing is locked between them; the write checks that the rows and event ids
    it folded are still as read, else everything is read and folded again.
    """
    lesson_ids = sorted({event.lesson_id for event in events})
    event_ids = sorted({event.event_id for event in events})
    for attempt in range(MAX_ATTEMPTS):
        state = ingest_pg.batch_state(
            user_id=user.pk, lesson_ids=lesson_ids, event_ids=event_ids
        )
        unique, repeats = _split([e for e in events if e.lesson_id in state.lessons])
        facts = {pk: lesson_facts(lesson) for pk, lesson in state.lessons.items()}
        rows = _credit_rows(
            user_id=user.pk, events=list(unique.values()), facts=facts, now=now
        )
        new_rows = [row for row in rows if row["event_id"] not in state.hashes]
        hashes = dict(state.hashes)
        hashes.update({row["event_id"]: row["payload_hash"] for row in new_rows})
        inserted = {row["event_id"] for row in new_rows}
        outcomes = _outcomes(
            user_id=user.pk,
            rows=rows,
            repeats=repeats,
            inserted=inserted,
            hashes=hashes,
        )
        progress, existing, fresh = {}, [], []
        ledger: dict = defaultdict(lambda: [0.0, 0.0, 0])
        for lesson_id, fold_events in _fold_events(new_rows, unique, now).items():
            row = state.rows.get(lesson_id)
            if row is None:
                row = LessonProgress(
                    user=user, lesson_id=lesson_id, course_id=facts[lesson_id].course_id
                )
                fresh.append(row)
            else:
                existing.append(row)
            folded = progress_fold_row(
                row=row,
                user=user,
                lesson=state.lessons[lesson_id],
                facts=facts[lesson_id],
                events=fold_events,
                now=now,
                choices=state.choices.get(lesson_id, {}),
            )
            progress[lesson_id] = folded.row
            _add_ledger(ledger, folded.ledger)
        if not new_rows:
            break
        try:
            ingest_pg.batch_write(
                user_id=user.pk,
                existing=existing,
                fresh=fresh,
                events=new_rows,
                ledger=dict(ledger),
                synchronous_commit=settings.PROGRESS_SYNCHRONOUS_COMMIT,
            )
            break
        except ingest_pg.LostRace:
            if attempt == MAX_ATTEMPTS - 1:
                raise
    return BatchResult(outcomes=outcomes, progress=progress, visible=set(state.lessons))


def _record_in_a_transaction(*, user, events: list[EventData], now) -> BatchResult:
    """Other databases (the embedded demo's SQLite): under row locks, as before."""
    from lessons.selectors import lessons_for_learner

    lessons = lessons_for_learner(
        viewer=user, lesson_ids={event.lesson_id for event in events}
    )
    facts = {pk: lesson_facts(lesson) for pk, lesson in lessons.items()}
    unique, repeats = _split([e for e in events if e.lesson_id in lessons])
    rows = _credit_rows(
        user_id=user.pk, events=list(unique.values()), facts=facts, now=now
    )
    progress = {}
    with transaction.atomic():
        inserted = _insert(rows) if rows else set()
        existing = set(unique) - inserted
        hashes = {}
        if existing or repeats:
            hashes = dict(
                ProgressEvent.objects.filter(
                    event_id__in=existing | {e.event_id for e in repeats}
                ).values_list("event_id", "payload_hash")
            )
        outcomes = _outcomes(
            user_id=user.pk,
            rows=rows,
            repeats=repeats,
            inserted=inserted,
            hashes=hashes,
        )
        new_rows = [row for row in rows if row["event_id"] in inserted]
        ledger: dict = defaultdict(lambda: [0.0, 0.0, 0])
        # Progress rows are locked in lesson order, the ledger last: no cycles.
        for lesson_id, fold_events in sorted(
            _fold_events(new_rows, unique, now).items()
        ):
            folded = progress_fold(
                user=user,
                lesson=lessons[lesson_id],
                facts=facts[lesson_id],
                events=fold_events,
                now=now,
            )
            progress[lesson_id] = folded.row
            _add_ledger(ledger, folded.ledger)
        if ledger:
            ledger_add(user_id=user.pk, deltas=dict(ledger))
    return BatchResult(outcomes=outcomes, progress=progress, visible=set(lessons))


# A step's reading time is capped: a phone left open on one step is not study.
MAX_READ_SECONDS_PER_STEP = 300.0


def _read_seconds(event: EventData) -> float:
    if event.type not in ("story_step", "story_end", "decision"):
        return 0.0
    try:
        seconds = float(event.data.get("seconds", 0) or 0)
    except (TypeError, ValueError):
        return 0.0
    return min(max(seconds, 0.0), MAX_READ_SECONDS_PER_STEP)
