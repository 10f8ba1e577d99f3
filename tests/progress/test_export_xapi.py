"""export_xapi: xAPI 1.0.3 JSON lines, ids from event ids, identical re-export."""

import json
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client

from progress.xapi import NAMESPACE
from quizzes.services import attempt_answer_save, attempt_start, attempt_submit
from tests.factories import learner
from tests.progress.factories import (
    EVENTS_URL,
    T0,
    batch,
    tick,
    video_lesson,
    watch_whole,
)
from tests.quizzes.factories import lesson_with_quiz, option_ids, question, quiz_with

pytestmark = pytest.mark.django_db


def export(tmp_path, name, *args):
    out = tmp_path / name
    call_command("export_xapi", "--out", str(out), *args)
    return out.read_text(encoding="utf-8")


def test_statements_use_video_verbs_and_ids_from_event_ids(tmp_path):
    lesson = video_lesson(duration=30)
    client = Client()
    client.force_login(learner())
    events = [{**tick(lesson, 0, 0), "type": "play", "played": None}]
    events += watch_whole(lesson, 30)
    events.append(tick(lesson, 20, 25, type="seek", at=T0 + timedelta(seconds=60)))
    assert client.post(EVENTS_URL, batch(events), content_type="application/json")
    first = export(tmp_path, "a.jsonl")
    lines = [json.loads(line) for line in first.splitlines()]
    assert {s["version"] for s in lines} == {"1.0.3"}
    verbs = {s["verb"]["id"] for s in lines}
    assert "https://w3id.org/xapi/video/verbs/played" in verbs
    assert "https://w3id.org/xapi/video/verbs/seeked" in verbs
    assert "http://adlnet.gov/expapi/verbs/completed" in verbs  # the lesson
    ids = {s["id"] for s in lines}
    assert str(uuid.uuid5(NAMESPACE, events[0]["event_id"])) in ids
    assert export(tmp_path, "b.jsonl") == first


def test_since_leaves_out_older_records(tmp_path):
    lesson = video_lesson(duration=30)
    client = Client()
    client.force_login(learner())
    client.post(
        EVENTS_URL, batch([tick(lesson, 0, 5)]), content_type="application/json"
    )
    assert export(tmp_path, "late.jsonl", "--since", "2999-01-01") == ""


def take_quiz(worker, quiz, questions, picks):
    attempt = attempt_start(user=worker, quiz=quiz)
    for position, pick in enumerate(picks, start=1):
        attempt_answer_save(
            user=worker,
            attempt_id=attempt.pk,
            position=position,
            option_ids=[option_ids(questions[position - 1])[pick]],
        )
    attempt_submit(user=worker, attempt_id=attempt.pk)
    return attempt


def test_graded_quiz_attempts_are_passed_and_failed_with_their_score(tmp_path):
    questions = [question("第一题"), question("第二题")]
    quiz = quiz_with(*questions, attempts_allowed=0, pass_mark=100)
    lesson = lesson_with_quiz(quiz)
    worker = learner()
    failed = take_quiz(worker, quiz, questions, [0, 1])  # one of two right
    passed = take_quiz(worker, quiz, questions, [0, 0])
    first = export(tmp_path, "a.jsonl")
    by_id = {s["id"]: s for s in map(json.loads, first.splitlines())}
    fail = by_id[str(uuid.uuid5(NAMESPACE, f"quiz-attempt:{failed.pk}"))]
    win = by_id[str(uuid.uuid5(NAMESPACE, f"quiz-attempt:{passed.pk}"))]
    assert fail["verb"]["id"] == "http://adlnet.gov/expapi/verbs/failed"
    assert fail["result"] == {
        "score": {"scaled": 0.5, "raw": 1.0, "min": 0, "max": 2.0},
        "success": False,
        "completion": True,
    }
    assert win["verb"]["id"] == "http://adlnet.gov/expapi/verbs/passed"
    assert win["result"]["success"] is True
    assert win["result"]["score"]["scaled"] == 1.0
    assert win["object"]["id"].endswith(f"/xapi/quizzes/{quiz.pk}")
    parents = win["context"]["contextActivities"]["parent"]
    assert [p["id"].rsplit("/", 1)[1] for p in parents] == [str(lesson.pk)]
    assert export(tmp_path, "b.jsonl") == first


def test_an_unsubmitted_attempt_is_not_exported(tmp_path):
    quiz = quiz_with(question("第一题"))
    lesson_with_quiz(quiz)
    attempt_start(user=learner(), quiz=quiz)
    assert export(tmp_path, "open.jsonl") == ""
