"""The JSON API answers JSON on every error, with the right status."""

import json

import pytest
from django.test import RequestFactory
from django.urls import reverse
from ninja import NinjaAPI, Router, Schema

from config import api_kit
from config.api import api
from lessons.models import DecisionChoice
from tests.factories import learner
from tests.lessons.stories import decision_id_of, story_lesson

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


def decisions_url(lesson_id: int) -> str:
    return reverse("api:lesson_decision_record", kwargs={"lesson_id": lesson_id})


@pytest.fixture
def lesson():
    return story_lesson()


@pytest.fixture
def worker_client(client):
    client.force_login(learner())
    return client


def post_raw(client, url, body: bytes | str):
    return client.post(url, body, content_type="application/json")


def assert_json_error(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_an_11_mib_body_is_413_json(worker_client, lesson):
    body = json.dumps({"decision_id": "x" * (11 * MIB), "option_index": 0})

    response = post_raw(worker_client, decisions_url(lesson.pk), body)

    data = assert_json_error(response, 413)
    assert data["limit_bytes"] == api_kit.default_body_limit()
    assert not DecisionChoice.objects.exists()


def test_a_body_just_over_the_endpoint_limit_is_413(worker_client, lesson, settings):
    settings.API_BODY_LIMIT_BYTES = 1000
    body = json.dumps({"decision_id": decision_id_of(lesson), "option_index": 0})
    body += " " * (1001 - len(body))

    response = post_raw(worker_client, decisions_url(lesson.pk), body)

    assert assert_json_error(response, 413)["limit_bytes"] == 1000


def test_a_body_within_the_limit_is_accepted(worker_client, lesson, settings):
    settings.API_BODY_LIMIT_BYTES = 1000
    body = json.dumps({"decision_id": decision_id_of(lesson), "option_index": 0})
    body += " " * (1000 - len(body))

    response = post_raw(worker_client, decisions_url(lesson.pk), body)

    assert response.status_code == 200


def test_the_limit_is_checked_before_anything_reads_the_body(client, lesson):
    response = post_raw(client, decisions_url(lesson.pk), "x" * (11 * MIB))

    assert_json_error(response, 413)


def test_an_endpoint_sets_its_own_limit_with_body_limit():
    class Echo(api_kit.StrictSchema):
        text: str

    router = Router()

    @router.post("/echo", auth=None)
    @api_kit.body_limit(64)
    def echo(request, payload: Echo):
        return {"text": payload.text}

    other_api = NinjaAPI(
        urls_namespace="test_body_limit", docs_url=None, openapi_url=None
    )
    api_kit.install(other_api)
    other_api.add_router("/", router)
    (view,) = [p.callback for p in other_api.urls[0] if str(p.pattern) == "echo"]
    factory = RequestFactory()

    small = view(factory.post("/echo", '{"text": "hi"}', "application/json"))
    big = view(
        factory.post("/echo", json.dumps({"text": "x" * 64}), "application/json")
    )

    assert small.status_code == 200
    assert big.status_code == 413
    assert json.loads(big.content)["limit_bytes"] == 64


@pytest.mark.parametrize("option_index", ["1", True, 1.5, None])
def test_option_index_of_another_type_is_422_naming_the_field(
    worker_client, lesson, option_index
):
    body = json.dumps(
        {"decision_id": decision_id_of(lesson), "option_index": option_index}
    )

    response = post_raw(worker_client, decisions_url(lesson.pk), body)

    errors = assert_json_error(response, 422)["detail"]
    assert [error["field"] for error in errors] == ["option_index"]
    assert not DecisionChoice.objects.exists()


def test_a_missing_field_is_422_naming_it(worker_client, lesson):
    body = json.dumps({"option_index": 0})

    response = post_raw(worker_client, decisions_url(lesson.pk), body)

    errors = assert_json_error(response, 422)["detail"]
    assert [(e["field"], e["type"]) for e in errors] == [("decision_id", "missing")]


def test_an_unknown_field_is_422(worker_client, lesson):
    body = json.dumps(
        {"decision_id": decision_id_of(lesson), "option_index": 0, "rating": "best"}
    )

    response = post_raw(worker_client, decisions_url(lesson.pk), body)

    errors = assert_json_error(response, 422)["detail"]
    assert [error["field"] for error in errors] == ["rating"]


def test_a_body_that_is_not_json_is_400_json(worker_client, lesson):
    response = post_raw(worker_client, decisions_url(lesson.pk), "{not json")

    assert "detail" in assert_json_error(response, 400)


def test_an_unknown_api_path_is_404_json(worker_client):
    response = worker_client.get("/api/no-such-thing/")

    assert assert_json_error(response, 404) == {"detail": "Not Found"}


def test_a_method_the_endpoint_does_not_take_is_405_json(worker_client, lesson):
    response = worker_client.get(decisions_url(lesson.pk))

    assert assert_json_error(response, 405) == {"detail": "Method Not Allowed"}
    assert "POST" in response["Allow"]


def test_an_unexpected_error_is_500_json_without_a_traceback(
    worker_client, lesson, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("lessons.api.decision_record", broken)
    body = json.dumps({"decision_id": decision_id_of(lesson), "option_index": 0})

    response = post_raw(worker_client, decisions_url(lesson.pk), body)

    assert assert_json_error(response, 500) == {"detail": "服务器内部错误"}
    assert b"secret internals" not in response.content


def test_every_request_body_schema_is_strict():
    loose = []
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            for operation in path_view.operations:
                for model in operation.models:
                    if getattr(model, "__ninja_param_source__", None) != "body":
                        continue
                    for field in model.model_fields.values():
                        schema = field.annotation
                        if not (
                            isinstance(schema, type)
                            and issubclass(schema, Schema)
                            and schema.model_config.get("strict")
                        ):
                            loose.append((path, operation.methods, schema))
    assert loose == []
