"""POST /api/lessons/{id}/decisions: store the choice, then tell the outcome."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from lessons.models import DecisionChoice
from tests.factories import learner
from tests.lessons.stories import (
    BEST_CONSEQUENCE,
    POOR_CONSEQUENCE,
    decision_id_of,
    story_lesson,
)

pytestmark = pytest.mark.django_db


def url(lesson_id: int) -> str:
    return reverse("api:lesson_decision_record", kwargs={"lesson_id": lesson_id})


def post(client, lesson_id, payload, **extra):
    return client.post(
        url(lesson_id), json.dumps(payload), content_type="application/json", **extra
    )


@pytest.fixture
def lesson():
    return story_lesson()


@pytest.fixture
def worker_client(client):
    user = learner()
    client.force_login(user)
    client.user = user
    return client


def test_url_is_the_documented_one(lesson):
    assert url(lesson.pk) == f"/api/lessons/{lesson.pk}/decisions"


def test_choice_is_stored_and_the_outcome_returned(worker_client, lesson):
    decision_id = decision_id_of(lesson)

    response = post(
        worker_client, lesson.pk, {"decision_id": decision_id, "option_index": 0}
    )

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in body if key != "continuation"} == {
        "decision_id": decision_id,
        "option_index": 0,
        "rating": "best",
        "rating_label": "最佳",
        "consequence": BEST_CONSEQUENCE,
        "jump_to": "meeting",
        "first_option_index": 0,
        "first_rating": "best",
        "first_rating_label": "最佳",
    }
    choice = DecisionChoice.objects.get()
    assert (choice.user, choice.lesson_id, choice.option_index) == (
        worker_client.user,
        lesson.pk,
        0,
    )


def test_posting_again_adds_a_choice_and_keeps_the_first_scored(worker_client, lesson):
    decision_id = decision_id_of(lesson)
    post(worker_client, lesson.pk, {"decision_id": decision_id, "option_index": 0})

    response = post(
        worker_client, lesson.pk, {"decision_id": decision_id, "option_index": 1}
    )

    body = response.json()
    assert body["consequence"] == POOR_CONSEQUENCE
    assert (body["first_option_index"], body["first_rating"]) == (0, "best")
    assert list(
        DecisionChoice.objects.values_list("option_index", "rating", "is_first")
    ) == [(0, "best", True), (1, "poor", False)]


def test_a_lesson_that_is_not_live_is_not_found(worker_client, lesson):
    lesson.unpublish()

    response = post(
        worker_client,
        lesson.pk,
        {"decision_id": decision_id_of(lesson), "option_index": 0},
    )

    assert response.status_code == 404
    assert not DecisionChoice.objects.exists()


def test_an_unknown_lesson_is_not_found(worker_client, lesson):
    response = post(
        worker_client,
        lesson.pk + 1000,
        {"decision_id": decision_id_of(lesson), "option_index": 0},
    )

    assert response.status_code == 404


def test_an_unknown_decision_is_not_found(worker_client, lesson):
    response = post(
        worker_client, lesson.pk, {"decision_id": "no-such-block", "option_index": 0}
    )

    assert response.status_code == 404


@pytest.mark.parametrize("option_index", [-1, 2, 99])
def test_an_option_out_of_range_is_a_bad_request(worker_client, lesson, option_index):
    response = post(
        worker_client,
        lesson.pk,
        {"decision_id": decision_id_of(lesson), "option_index": option_index},
    )

    assert response.status_code == 400
    assert not DecisionChoice.objects.exists()


def test_anonymous_is_refused(client, lesson):
    response = post(
        client, lesson.pk, {"decision_id": decision_id_of(lesson), "option_index": 0}
    )

    assert response.status_code in (401, 403)
    assert not DecisionChoice.objects.exists()


def test_csrf_token_is_required(lesson):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(learner())

    response = post(
        csrf_client,
        lesson.pk,
        {"decision_id": decision_id_of(lesson), "option_index": 0},
    )

    assert response.status_code == 403
    assert not DecisionChoice.objects.exists()


def test_csrf_token_from_the_lesson_page_is_accepted(lesson):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(learner())
    csrf_client.get(lesson.url)  # sets the csrftoken cookie, as a phone would get it
    token = csrf_client.cookies["csrftoken"].value

    response = post(
        csrf_client,
        lesson.pk,
        {"decision_id": decision_id_of(lesson), "option_index": 0},
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 200
    assert DecisionChoice.objects.count() == 1
