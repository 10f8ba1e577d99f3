"""export_xapi: xAPI 1.0.3 JSON lines, ids from event ids, identical re-export."""

import json
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client

from progress.xapi import NAMESPACE
from tests.factories import learner
from tests.progress.factories import (
    EVENTS_URL,
    T0,
    batch,
    tick,
    video_lesson,
    watch_whole,
)

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
