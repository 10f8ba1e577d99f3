import csv
import io
import json

import pytest
from django.core.management import call_command

from quizzes.services import attempt_answer_save, attempt_start, attempt_submit
from tests.factories import learner
from tests.quizzes.factories import option_ids, question, quiz_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def taken_quiz():
    first, second = question("第一题"), question("第二题", ["甲", "乙", "丙"])
    quiz = quiz_with(first, second, attempts_allowed=0)
    # worker a: both right; worker b: first right, second wrong (B); b again.
    a, b = learner(), learner()
    for worker, picks in ((a, [0, 0]), (b, [0, 1]), (b, [1, 1])):
        attempt = attempt_start(user=worker, quiz=quiz)
        pairs = zip((first, second), picks, strict=True)
        for position, (q, pick) in enumerate(pairs, start=1):
            attempt_answer_save(
                user=worker, attempt_id=attempt.pk, position=position,
                option_ids=[option_ids(q)[pick]],
            )  # fmt: skip
        attempt_submit(user=worker, attempt_id=attempt.pk)
    return quiz, first, second


def test_item_analysis_json_gives_first_attempt_figures(taken_quiz):
    quiz, first, second = taken_quiz
    out = io.StringIO()
    call_command("item_analysis", str(quiz.pk), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["attempts"] == 2 and data["first_attempts_only"] is True
    items = {item["question_id"]: item for item in data["items"]}
    assert items[first.pk]["facility"] == 1.0
    assert items[second.pk]["facility"] == 0.5
    assert [o["count"] for o in items[second.pk]["options"]] == [1, 1, 0]
    codes = {flag["code"] for flag in items[second.pk]["flags"]}
    assert "unused_distractor" in codes
    assert "too_few_attempts" in {flag["code"] for flag in data["flags"]}


def test_item_analysis_all_attempts_on_request(taken_quiz):
    quiz, _first, _second = taken_quiz
    out = io.StringIO()
    call_command("item_analysis", str(quiz.pk), "--json", "--all-attempts", stdout=out)
    assert json.loads(out.getvalue())["attempts"] == 3


def test_export_responses_writes_one_row_per_attempt(taken_quiz):
    quiz, first, second = taken_quiz
    out = io.StringIO()
    call_command("export_responses", str(quiz.pk), "--csv", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][:3] == ["worker_id", "attempt", "submitted_at"]
    assert rows[0][3:] == [f"q{first.pk}", f"q{first.pk}_chosen",
                           f"q{second.pk}", f"q{second.pk}_chosen"]  # fmt: skip
    assert [row[1] for row in rows[1:]] == ["1", "1", "2"]
    assert [row[3:] for row in rows[1:]] == [
        ["1", "A", "1", "A"], ["1", "A", "0", "B"], ["0", "B", "0", "B"],
    ]  # fmt: skip
