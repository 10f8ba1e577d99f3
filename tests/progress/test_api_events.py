"""POST /api/progress/events: idempotent batches, per-event 409/404, 400, auth, CSRF."""

import json

import pytest
from django.test import Client

from progress.models import LessonProgress, ProgressEvent
from tests.factories import learner
from tests.progress.factories import EVENTS_URL, batch, tick, video_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_client():
    client = Client()
    client.force_login(learner())
    return client


def post(client, events):
    return client.post(EVENTS_URL, batch(events), content_type="application/json")


def test_a_batch_is_stored_and_folded_into_progress(worker_client):
    lesson = video_lesson(duration=60)
    response = post(worker_client, [tick(lesson, 0, 15), tick(lesson, 15, 30)])
    assert response.status_code == 200
    assert [r["result"] for r in response.json()["results"]] == ["stored"] * 2
    row = LessonProgress.objects.get(lesson=lesson)
    assert row.watched_seconds == pytest.approx(30)
    assert row.status == LessonProgress.Status.STARTED


def test_the_same_event_again_changes_nothing(worker_client):
    lesson = video_lesson(duration=60)
    event = tick(lesson, 0, 15)
    post(worker_client, [event])
    before = LessonProgress.objects.get(lesson=lesson)
    response = post(worker_client, [event])
    assert response.status_code == 200
    assert response.json()["results"][0]["result"] == "duplicate"
    after = LessonProgress.objects.get(lesson=lesson)
    assert ProgressEvent.objects.count() == 1
    assert (after.watched_seconds, after.learning_seconds) == (
        before.watched_seconds,
        before.learning_seconds,
    )


def test_a_reused_id_with_another_payload_is_409_and_the_rest_is_stored(
    worker_client,
):
    lesson = video_lesson(duration=60)
    first = tick(lesson, 0, 15)
    post(worker_client, [first])
    changed = {**first, "position": 59, "played": {"start": 0, "end": 59}}
    fresh = tick(lesson, 15, 30)
    response = post(worker_client, [changed, fresh])
    assert response.status_code == 207
    results = {r["event_id"]: r for r in response.json()["results"]}
    assert results[first["event_id"]]["status"] == 409
    assert results[fresh["event_id"]]["result"] == "stored"
    assert LessonProgress.objects.get(lesson=lesson).watched_seconds == 30


def test_a_lesson_the_worker_may_not_open_is_404(worker_client):
    draft = video_lesson(duration=60, live=False)
    response = post(worker_client, [tick(draft, 0, 15)])
    assert response.status_code == 404
    assert not ProgressEvent.objects.exists()


def test_a_malformed_event_is_a_400_naming_it(worker_client):
    lesson = video_lesson(duration=60)
    bad = {**tick(lesson, 0, 15), "type": "teleport"}
    response = post(worker_client, [tick(lesson, 0, 15), bad])
    assert response.status_code == 400
    body = response.json()
    assert (body["event_index"], body["event_id"]) == (1, bad["event_id"])
    assert "type" in body["detail"]
    assert not ProgressEvent.objects.exists()


def test_an_oversized_batch_is_a_400(worker_client):
    lesson = video_lesson(duration=60)
    events = [tick(lesson, 0, 1) for _ in range(101)]
    response = post(worker_client, events)
    assert response.status_code == 400
    assert "100" in response.json()["detail"]


def test_a_signed_out_client_is_refused():
    lesson = video_lesson(duration=60)
    response = post(Client(), [tick(lesson, 0, 15)])
    assert response.status_code in (401, 403)
    assert not ProgressEvent.objects.exists()


def test_a_session_without_the_csrf_token_is_refused():
    lesson = video_lesson(duration=60)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner())
    response = post(client, [tick(lesson, 0, 15)])
    assert response.status_code == 403
    assert not ProgressEvent.objects.exists()


def test_a_session_with_the_csrf_token_is_accepted():
    lesson = video_lesson(duration=60)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner())
    client.get("/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        EVENTS_URL,
        batch([tick(lesson, 0, 15)]),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200


def test_the_endpoint_is_in_the_openapi_document(client, django_user_model):
    # The API docs are for admins only (config/api.py).
    client.force_login(django_user_model.objects.create_superuser("docs", password="x"))
    schema = json.loads(client.get("/api/openapi.json").content)
    assert "/api/progress/events" in schema["paths"]


def test_another_workers_event_id_is_a_conflict(worker_client):
    lesson = video_lesson(duration=60)
    event = tick(lesson, 0, 15)
    post(worker_client, [event])
    other = Client()
    someone_else = learner()
    other.force_login(someone_else)
    response = post(other, [event])
    assert response.status_code == 409
    assert not LessonProgress.objects.filter(user=someone_else).exists()
