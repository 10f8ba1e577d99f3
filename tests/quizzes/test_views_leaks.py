"""Before submission no page or API response says what is right, why, or the score."""

import json

import pytest

from quizzes.models import Question, Quiz
from tests.factories import learner
from tests.quizzes.factories import lesson_with_quiz, option_ids, question, quiz_with

pytestmark = pytest.mark.django_db

SECRET_EXPLANATION = "解析暗号甲乙丙"
SECRET_FEEDBACK = "反馈暗号丁戊己"
# Words and keys that would give away grading in HTML or JSON.
LEAKY_JSON_KEYS = {"correct", "is_correct", "key", "feedback", "explanation", "score",
                   "points", "credit", "passed", "max_points"}  # fmt: skip
LEAKY_HTML = ("is-correct", "is_correct", "data-correct", "正确答案", "答对",
              "答错", "解析", SECRET_EXPLANATION, SECRET_FEEDBACK)  # fmt: skip


def _questions():
    return [
        question(
            f"第{n}题",
            ["甲", "乙", "丙"],
            correct=[n % 3],
            explanation=SECRET_EXPLANATION,
            feedback=[SECRET_FEEDBACK] * 3,
            type=kind,
            scenario="居民在楼道里争吵。" if kind == "scenario" else "",
        )
        for n, kind in enumerate(
            [Question.Type.SINGLE, Question.Type.MULTIPLE, Question.Type.SCENARIO]
        )
    ] + [
        question(
            "判断题",
            ["对", "错"],
            correct=[1],
            type=Question.Type.TRUE_FALSE,
            explanation=SECRET_EXPLANATION,
            feedback=[SECRET_FEEDBACK] * 2,
        )  # fmt: skip
    ]


def _keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def _assert_clean_html(body: str, where: str):
    for word in LEAKY_HTML:
        assert word not in body, f"{word!r} in {where}"


def _assert_clean_json(response, where: str):
    data = json.loads(response.content)
    assert not LEAKY_JSON_KEYS & set(_keys(data)), where
    # Compared as text, not as the \\u escapes the JSON carries.
    _assert_clean_html(json.dumps(data, ensure_ascii=False), where)


@pytest.mark.parametrize("layout", list(Quiz.Layout.values))
def test_no_page_or_api_response_before_submission_gives_anything_away(client, layout):
    questions = _questions()
    quiz = quiz_with(*questions, layout=layout, time_limit_minutes=30)
    lesson = lesson_with_quiz(quiz)
    worker = learner()
    client.force_login(worker)

    for url in (lesson.url, f"/quiz/{quiz.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_clean_html(response.content.decode(), url)

    started = client.post(f"/api/quizzes/{quiz.pk}/attempts")
    assert started.status_code == 200
    _assert_clean_json(started, "start")
    attempt_id = started.json()["id"]

    pages = range(1, len(questions) + 1) if layout == "one_per_screen" else [1]
    for position in pages:
        url = f"/quiz/attempt/{attempt_id}/?q={position}"
        response = client.get(url)
        assert response.status_code == 200
        _assert_clean_html(response.content.decode(), url)

    for position, q in enumerate(
        sorted(questions, key=lambda q: q.pk), start=1
    ):  # fixed items keep their order
        saved = client.put(
            f"/api/quizzes/attempts/{attempt_id}/answers/{position}",
            data=json.dumps({"option_ids": option_ids(q)[:1]}),
            content_type="application/json",
        )
        assert saved.status_code == 200
        _assert_clean_json(saved, f"save {position}")

    for url in (
        f"/api/quizzes/attempts/{attempt_id}",
        f"/api/quizzes/attempts/{attempt_id}/result",
    ):
        response = client.get(url)
        assert response.status_code in (200, 409), url
        _assert_clean_json(response, url)
    for url in (lesson.url, f"/quiz/{quiz.pk}/", f"/quiz/attempt/{attempt_id}/"):
        _assert_clean_html(client.get(url).content.decode(), url)

    # After submission the result carries them (so the walk above was meaningful).
    result = client.post(f"/api/quizzes/attempts/{attempt_id}/submit")
    assert SECRET_EXPLANATION in json.dumps(result.json(), ensure_ascii=False)
    assert "correct" in set(_keys(result.json()))


def test_another_workers_attempt_is_not_found(client):
    quiz = quiz_with(*_questions()[:1])
    lesson_with_quiz(quiz)
    owner, other = learner(), learner()
    client.force_login(owner)
    attempt_id = client.post(f"/api/quizzes/{quiz.pk}/attempts").json()["id"]
    client.force_login(other)
    assert client.get(f"/api/quizzes/attempts/{attempt_id}").status_code == 404
    assert client.get(f"/quiz/attempt/{attempt_id}/").status_code == 404
    assert client.post(f"/api/quizzes/attempts/{attempt_id}/submit").status_code == 404


def test_a_quiz_not_placed_in_a_live_lesson_is_not_found(client):
    quiz = quiz_with(*_questions()[:1])
    client.force_login(learner())
    assert client.get(f"/quiz/{quiz.pk}/").status_code == 404
    assert client.post(f"/api/quizzes/{quiz.pk}/attempts").status_code == 404


def test_the_api_refuses_a_post_without_csrf():
    from django.test import Client

    quiz = quiz_with(*_questions()[:1])
    lesson_with_quiz(quiz)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner())
    assert client.post(f"/api/quizzes/{quiz.pk}/attempts").status_code == 403
