"""The PostgreSQL write statement refuses to fold into a row changed since it was
read, and then writes nothing at all (progress.services.ingest_pg)."""

import uuid

import pytest
from django.utils import timezone

from progress.models import DailyLearning, LessonProgress, ProgressEvent
from progress.services.events import EventData, events_record
from progress.services.ingest_pg import LostRace, batch_state, batch_write
from progress.services.progress import practice_mark_done
from tests.factories import learner
from tests.progress.factories import T0, video_block_id, video_lesson

pytestmark = pytest.mark.django_db


def one_tick(lesson, start: float) -> EventData:
    return EventData(
        event_id=uuid.uuid4(),
        lesson_id=lesson.pk,
        type="tick",
        client_time=T0,
        block_id=video_block_id(lesson),
        position=start + 10,
        played_start=start,
        played_end=start + 10,
        wall_seconds=10,
        rate=1,
    )


def test_a_row_changed_after_the_read_makes_the_write_store_nothing():
    worker = learner()
    lesson = video_lesson(duration=60)
    events_record(user=worker, events=[one_tick(lesson, 0)])
    state = batch_state(
        user_id=worker.pk, lesson_ids=[lesson.pk], event_ids=[uuid.uuid4()]
    )
    stale = state.rows[lesson.pk]
    practice_mark_done(user=worker, lesson=lesson)  # another write meanwhile
    stale.revision += 1
    stale.watched_seconds = 60
    event = one_tick(lesson, 10)
    row = {
        "event_id": event.event_id, "user_id": worker.pk, "lesson_id": lesson.pk,
        "type": "tick", "block_id": event.block_id, "position": 20.0,
        "played_start": 10.0, "played_end": 20.0, "wall_seconds": 10.0,
        "rate": 1.0, "client_time": T0, "credited_start": 10.0,
        "credited_end": 20.0, "credited_seconds": 10.0, "flag": "", "data": "{}",
        "payload_hash": "x" * 64, "received_at": timezone.now(),
    }  # fmt: skip
    ledger_before = list(DailyLearning.objects.values_list("watched_seconds"))
    with pytest.raises(LostRace):
        batch_write(
            user_id=worker.pk,
            existing=[stale],
            fresh=[],
            events=[row],
            ledger={T0.date(): [10.0, 0.0, 0]},
        )
    assert not ProgressEvent.objects.filter(event_id=event.event_id).exists()
    assert LessonProgress.objects.get(user=worker).watched_seconds == 10
    assert list(DailyLearning.objects.values_list("watched_seconds")) == ledger_before
