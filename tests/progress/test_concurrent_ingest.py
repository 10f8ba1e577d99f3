"""10,000 events (1,000 ids, each ten times, shuffled) from 16 clients to gunicorn.

Exactly 1,000 are stored, every response is 2xx, and each worker's progress and
学时 ledger equal those of a twin worker who sent the same events once, in order.
"""

import random
import uuid
from datetime import timedelta

import pytest
from django.test import Client

from progress.loadgen import Gunicorn, body, send_all, session_for
from progress.models import DailyLearning, LessonProgress, ProgressEvent
from tests.conftest import _database_url
from tests.factories import learner
from tests.progress.factories import EVENTS_URL, T0, batch, tick, video_lesson

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 20
LESSONS = 2
TICKS_PER_LESSON = 25  # 25 ticks of 10 s: a 250 s video watched to the end
COPIES = 10
BATCH = 20

PROGRESS_FIELDS = (
    "status", "percent", "watched_seconds", "learning_seconds", "coverage",
    "resume_block", "resume_position", "first_activity_at", "last_activity_at",
    "flagged_events",
)  # fmt: skip


def events_for(lessons) -> list[dict]:
    """One lesson after the other, as a phone plays them (no overlapping windows)."""
    return [
        tick(lesson, 10 * i, 10 * i + 10, at=T0 + timedelta(seconds=300 * n + 10 * i))
        for n, lesson in enumerate(lessons)
        for i in range(TICKS_PER_LESSON)
    ]


def snapshot(user):
    rows = {
        row.lesson_id: tuple(getattr(row, f) for f in PROGRESS_FIELDS)
        for row in LessonProgress.objects.filter(user=user)
    }
    days = list(
        DailyLearning.objects.filter(user=user).values_list(
            "day", "watched_seconds", "read_seconds", "lessons_completed"
        )
    )
    return rows, days


@pytest.fixture
def server():
    gunicorn = Gunicorn(
        database_url=_database_url(), settings_module="config.settings.loadtest"
    )
    yield gunicorn
    gunicorn.stop()


def test_ten_thousand_replayed_events_store_a_thousand(server):
    lessons = [video_lesson(duration=250) for _ in range(LESSONS)]
    workers = [learner() for _ in range(WORKERS)]
    sent = {w.pk: events_for(lessons) for w in workers}
    assert sum(len(e) for e in sent.values()) == 1000

    rng = random.Random(11)
    jobs = []
    for worker in workers:
        creds = session_for(worker)
        copies = [event for event in sent[worker.pk] for _ in range(COPIES)]
        rng.shuffle(copies)
        for start in range(0, len(copies), BATCH):
            chunk = copies[start : start + BATCH]
            jobs.append((creds, EVENTS_URL, body(chunk), len(chunk)))
    rng.shuffle(jobs)
    run = send_all(port=server.port, jobs=jobs, clients=16)

    assert run.events == 10_000
    assert sorted(set(run.statuses)) == [200], server.log_path.read_text()[-2000:]
    assert ProgressEvent.objects.count() == 1000

    for worker in workers:
        twin = learner()
        once = [
            {
                **event,
                "event_id": str(uuid.uuid5(uuid.NAMESPACE_URL, event["event_id"])),
            }
            for event in sent[worker.pk]
        ]
        client = Client()
        client.force_login(twin)
        for start in range(0, len(once), BATCH):
            response = client.post(
                EVENTS_URL, batch(once[start : start + BATCH]),
                content_type="application/json",
            )  # fmt: skip
            assert response.status_code == 200
        assert snapshot(worker) == snapshot(twin)
        assert {row[0] for row in snapshot(worker)[0].values()} == {"completed"}
