"""A quiz page (all questions on one page) stays under 50 KB compressed."""

import gzip

import pytest

from quizzes.models import Quiz
from tests.factories import learner
from tests.lessons.test_page_weight import ASSET_RE, BUDGET, asset_bytes
from tests.quizzes.factories import lesson_with_quiz, question, quiz_with

pytestmark = pytest.mark.django_db


def test_a_ten_question_quiz_page_is_within_50_kb_compressed(client):
    questions = [
        question(f"第{n}题：居民议事会上意见分歧很大时，社工首先应当怎么做？" * 2,
                 ["听取各方意见", "直接投票", "请物业决定", "暂时搁置"])
        for n in range(10)
    ]  # fmt: skip
    quiz = quiz_with(*questions, layout=Quiz.Layout.ALL_ON_PAGE, time_limit_minutes=10)
    lesson_with_quiz(quiz)
    client.force_login(learner())
    attempt_id = client.post(f"/api/quizzes/{quiz.pk}/attempts").json()["id"]
    html = client.get(f"/quiz/attempt/{attempt_id}/").content
    assets = ASSET_RE.findall(html.decode())
    bodies = [html, *(asset_bytes(url) for url in assets)]
    compressed = sum(len(gzip.compress(body, compresslevel=6)) for body in bodies)
    assert any(url.endswith("quiz.js") for url in assets)
    assert compressed <= BUDGET, f"{compressed} bytes gzipped: {assets}"
