"""The one module that changes a LessonProgress row (and so its status).

A row never goes backwards: coverage only grows (a union), percent is the max
of old and new, status only moves started -> completed, completed_at is set
once. The resume position is the one of the event with the latest client time,
so the order events arrive in does not matter.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from progress.intervals import covered, merge
from progress.lesson_rules import LessonFacts, lesson_facts, quiz_result
from progress.models import LessonProgress
from progress.services.ledger import ledger_add, local_day


@dataclass(frozen=True)
class FoldEvent:
    type: str
    block_id: str
    position: float | None
    credited_start: float | None
    credited_end: float | None
    credited_seconds: float
    rate: float | None
    flag: str
    client_time: datetime
    read_seconds: float = 0.0
    received_at: datetime | None = None


@dataclass
class Folded:
    row: LessonProgress
    # Day -> [watched_seconds, read_seconds, lessons_completed] to add to the ledger.
    ledger: dict[date, list] = field(default_factory=dict)


def _locked_row(*, user, lesson, facts: LessonFacts) -> LessonProgress:
    """The worker's row for the lesson, created if missing, locked: one statement.

    ON CONFLICT DO UPDATE (of nothing that changes) locks the existing row and
    returns it, where DO NOTHING + SELECT ... FOR UPDATE took two round trips.
    """
    table = LessonProgress._meta.db_table
    defaults = LessonProgress(user=user, lesson_id=lesson.pk, course_id=facts.course_id)
    fields = [f for f in LessonProgress._meta.concrete_fields if not f.primary_key]
    columns = ",".join(f.column for f in fields)
    params = [
        f.get_db_prep_save(f.pre_save(defaults, True), connection) for f in fields
    ]
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES ({','.join(['%s'] * len(fields))})"
        " ON CONFLICT (user_id, lesson_id) DO UPDATE SET user_id = EXCLUDED.user_id"
        f" RETURNING id, {columns}"
    )
    return list(LessonProgress.objects.raw(sql, params))[0]


def _watched_wall_seconds(event: FoldEvent) -> float:
    """Time actually spent watching: media seconds at the (credited) rate."""
    rate = min(max(event.rate or 1.0, 0.5), 2.0)
    return event.credited_seconds / rate


def video_fractions(row: LessonProgress, facts: LessonFacts) -> dict[str, float]:
    """Covered fraction (0..1) of every video block's span."""
    fractions = {}
    for block_id, (start, end) in facts.videos.items():
        seconds = covered(row.coverage.get(block_id, []))
        fractions[block_id] = min(1.0, seconds / (end - start)) if end > start else 1.0
    return fractions


def _evaluate(
    *,
    row: LessonProgress,
    user,
    lesson,
    facts: LessonFacts,
    choices: dict[str, int] | None = None,
    now: datetime | None = None,
) -> None:
    """Recompute story_done, quiz_passed, percent and status (only upwards).

    `choices` (decision id -> option index, in the order made) when the caller
    read them already; otherwise they are queried when the story needs them.
    A completion is dated `now`: the time the fold runs (the server's receive time
    of the events that completed it), not the moment this code happens to run.
    """
    fractions = video_fractions(row, facts)
    threshold = facts.threshold / 100
    parts = [min(1.0, f / threshold) if threshold else 1.0 for f in fractions.values()]
    videos_ok = all(f >= threshold - 1e-9 for f in fractions.values())
    story_ok = True
    if facts.has_story:
        if not row.story_done:
            if choices is None:
                from lessons.models import DecisionChoice

                choices = dict(
                    DecisionChoice.objects.filter(user=user, lesson_id=lesson.pk)
                    .order_by("chosen_at")
                    .values_list("decision_id", "option_index")
                )
            path, complete_path = facts.path(choices)
            if row.story_end_seen and complete_path:
                row.story_done = True
            else:
                read = set(row.steps_read)
                on_path = [s for s in path if s.kind != "video"]
                done = sum(1 for s in on_path if s.block_id in read)
                parts.append(min(0.99, done / max(len(facts.steps), 1)))
        if row.story_done:
            parts.append(1.0)
        story_ok = row.story_done
    quiz_ok = True
    # A completed row stays completed: asking the quiz again (a query per
    # batch) could change nothing.
    if videos_ok and story_ok and not row.quiz_passed and not row.is_completed:
        result = quiz_result(user=user, lesson=lesson)
        if result is not None:
            row.quiz_passed = bool(result)
            quiz_ok = row.quiz_passed
            parts.append(1.0 if quiz_ok else 0.0)
    complete = videos_ok and story_ok and quiz_ok
    percent = round(100 * sum(parts) / len(parts)) if parts else 0
    if not complete:
        percent = min(percent, 99)
    else:
        percent = 100
    row.percent = max(row.percent, percent)
    if complete and row.status != LessonProgress.Status.COMPLETED:
        row.status = LessonProgress.Status.COMPLETED
        row.completed_at = now or timezone.now()


def progress_fold(
    *, user, lesson, facts: LessonFacts, events: list[FoldEvent], now: datetime
) -> Folded:
    """Fold events stored just now into the worker's row for this lesson.

    Must run inside the transaction that inserted them (the row lock is held to
    its end). Returns the row and what to add to the 学时 ledger.
    """
    row = _locked_row(user=user, lesson=lesson, facts=facts)
    folded = progress_fold_row(
        row=row, user=user, lesson=lesson, facts=facts, events=events, now=now
    )
    row.save()
    return folded


def progress_fold_row(
    *,
    row: LessonProgress,
    user,
    lesson,
    facts: LessonFacts,
    events: list[FoldEvent],
    now: datetime,
    choices: dict[str, int] | None = None,
) -> Folded:
    """Fold events into a row in memory (the caller saves it) and bump its revision.

    The PostgreSQL ingest (progress.services.ingest_pg) writes the row only if
    nobody changed it since it was read: `revision` is what it compares.
    """
    was_completed = row.is_completed
    ledger: dict[date, list] = defaultdict(lambda: [0.0, 0.0, 0])
    new_intervals: dict[str, list] = defaultdict(list)
    steps = set(row.steps_read)
    times = []
    for event in events:
        moment = min(event.client_time, now)
        times.append(moment)
        day = local_day(moment)
        if event.credited_end is not None and event.credited_seconds > 0:
            new_intervals[event.block_id].append(
                [event.credited_start, event.credited_end]
            )
            watched = _watched_wall_seconds(event)
            ledger[day][0] += watched
            row.learning_seconds += watched
        if event.read_seconds:
            ledger[day][1] += event.read_seconds
            row.learning_seconds += event.read_seconds
        if event.flag:
            row.flagged_events += 1
        if event.type == "story_step" and event.block_id:
            steps.add(event.block_id)
        if event.type == "story_end":
            row.story_end_seen = True
        if event.position is not None and event.block_id in facts.videos:
            if row.resume_client_time is None or moment > row.resume_client_time:
                row.resume_client_time = moment
                row.resume_block = event.block_id
                row.resume_position = float(event.position)
    coverage = dict(row.coverage)
    for block_id, intervals in new_intervals.items():
        coverage[block_id] = merge(coverage.get(block_id, []) + intervals)
    row.coverage = coverage
    row.watched_seconds = sum(covered(v) for v in coverage.values())
    row.steps_read = sorted(steps)
    if times:
        first, last = min(times), max(times)
        if row.first_activity_at is None or first < row.first_activity_at:
            row.first_activity_at = first
        if row.last_activity_at is None or last > row.last_activity_at:
            row.last_activity_at = last
    _evaluate(row=row, user=user, lesson=lesson, facts=facts, choices=choices, now=now)
    if row.is_completed and not was_completed:
        # Counted on the day of the learning that completed it.
        ledger[local_day(max(times) if times else now)][2] += 1
    row.revision += 1
    return Folded(row=row, ledger=dict(ledger))


def lesson_progress_refresh(*, user, lesson) -> LessonProgress | None:
    """Re-evaluate the rule for a worker's lesson (e.g. after the quiz is passed).

    The quizzes app calls this once an attempt is graded; it creates no row for
    a lesson the worker never opened.
    """
    facts = lesson_facts(lesson)
    with transaction.atomic():
        row = (
            LessonProgress.objects.select_for_update()
            .filter(user=user, lesson_id=lesson.pk)
            .first()
        )
        if row is None:
            return None
        was_completed = row.is_completed
        _evaluate(row=row, user=user, lesson=lesson, facts=facts)
        row.revision += 1
        row.save()
        if row.is_completed and not was_completed:
            ledger_add(user_id=user.pk, deltas={local_day(timezone.now()): [0, 0, 1]})
    return row


def practice_mark_done(*, user, lesson) -> LessonProgress:
    """The worker pressed 我已完成 on the lesson's practice task (kept once)."""
    facts = lesson_facts(lesson)
    now = timezone.now()
    with transaction.atomic():
        row = _locked_row(user=user, lesson=lesson, facts=facts)
        if row.practice_done_at is None:
            row.practice_done_at = now
        if row.first_activity_at is None:
            row.first_activity_at = now
        row.last_activity_at = max(row.last_activity_at or now, now)
        row.revision += 1
        row.save()
    return row
