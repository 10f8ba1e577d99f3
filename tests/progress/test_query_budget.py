"""The ingest path's database round trips: a batch costs about what signing in does.

The floor (bench/ingest.py) makes two queries, the session and the user; a batch
of new events adds the lesson check and one statement that stores, deduplicates
and folds it (progress.services.ingest_pg).
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import learner
from tests.progress.factories import EVENTS_URL, batch, tick, video_lesson

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_batch_of_twenty_new_events_costs_four_queries():
    lesson = video_lesson(duration=600)
    client = Client()
    client.force_login(learner())
    # The first batch fills the per-process lesson cache.
    client.post(
        EVENTS_URL, batch([tick(lesson, 0, 10)]), content_type="application/json"
    )
    events = [tick(lesson, 10 * i, 10 * i + 10) for i in range(1, 21)]
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            EVENTS_URL, batch(events), content_type="application/json"
        )
    assert response.status_code == 200
    assert len(queries.captured_queries) <= 4


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def _send_two_batches():
    lesson = video_lesson(duration=600)
    client = Client()
    client.force_login(learner())
    for n in range(2):
        response = client.post(
            EVENTS_URL,
            batch([tick(lesson, 10 * n, 10 * n + 10)]),
            content_type="application/json",
        )
        assert response.status_code == 200


def test_the_read_and_the_write_are_prepared_once_per_connection():
    _send_two_batches()
    statements = _prepared_statements()
    assert any("json_agg" in s for s in statements)  # the read
    assert any(s.lstrip().startswith("WITH") for s in statements)  # the write


def test_prepared_statements_can_be_turned_off_for_a_pooling_proxy(settings):
    settings.PROGRESS_PREPARED_STATEMENTS = False
    _send_two_batches()
    assert _prepared_statements() == []
