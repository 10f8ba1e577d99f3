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
