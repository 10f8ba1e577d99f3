"""Protected media: a video's outputs only for those who may see a live lesson
using it, its original only for staff who may edit it; the same 404 otherwise."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from media.delivery import video_sources
from tests.factories import learner, trainer
from tests.lessons.demo_video import transcoded_video
from tests.lessons.stories import story_lesson
from tests.media.walk import body, player_urls, stored_urls, walk_player

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def answers(client: Client, urls) -> dict[str, tuple]:
    result = {}
    for url in sorted(urls):
        response = client.get(url)
        result[url] = (
            response.status_code,
            response.get("Content-Type") if response.status_code == 404 else None,
            body(response) if response.status_code == 404 else None,
        )
    return result


def only_allowed(client, allowed: set[str], refused: set[str]) -> None:
    got = answers(client, allowed | refused)
    assert {u for u, a in got.items() if a[0] == 200} == allowed
    not_found = {a for u, a in got.items() if u in refused}
    assert len(not_found) == 1 and next(iter(not_found))[0] == 404  # identical


@pytest.fixture
def demo():
    video = transcoded_video(duration=4, size="640x360")
    lesson = story_lesson(video=video)
    lesson.unpublish()  # the only lesson using the video is a draft
    return video, lesson


def test_every_url_answers_only_those_allowed(demo):
    video, lesson = demo
    stored = stored_urls(video)
    original = {reverse("media_original", args=(video.pk,))}
    anonymous = Client()
    worker, staff = signed_in(learner()), signed_in(trainer())

    # Draft: the learner cannot open the lesson, so has no URLs; the trainer's
    # preview URLs are the trainer's only.
    assert worker.get(lesson.url).status_code == 404
    sources = video_sources(video=video, session_key=session_key(staff), page_id=None)
    preview = walk_player(
        staff, {sources.hls, sources.mp4, sources.poster, sources.captions[0].url}
    )
    assert len(preview) > 8  # playlists, init segments, segments, mp4, poster, vtt
    only_allowed(worker, set(), stored | original | preview)
    only_allowed(anonymous, set(), stored | original | preview)

    # Live: the learner's page hands out URLs that work for that learner only.
    lesson.save_revision().publish()
    page = worker.get(lesson.url)
    assert page.status_code == 200
    mine = walk_player(worker, player_urls(page.content.decode()))
    assert {u.rsplit(".", 1)[-1] for u in mine} >= {"m3u8", "m4s", "mp4", "jpg", "vtt"}
    only_allowed(worker, mine, stored | original | preview)
    only_allowed(anonymous, set(), stored | original | preview | mine)

    # The trainer: the original and the trainer's own URLs, never the files as such.
    theirs = walk_player(staff, player_urls(staff.get(lesson.url).content.decode()))
    only_allowed(staff, original | preview | theirs, stored | mine)


def test_unpublishing_closes_the_playlists(demo):
    video, lesson = demo
    lesson.save_revision().publish()
    worker = signed_in(learner())
    hls = next(
        u for u in player_urls(worker.get(lesson.url).content.decode()) if "m3u8" in u
    )
    assert worker.get(hls).status_code == 200
    lesson.refresh_from_db()
    lesson.unpublish()
    assert worker.get(hls).status_code == 404


def test_a_playlist_costs_one_query_and_a_segment_none(demo):
    video, lesson = demo
    lesson.save_revision().publish()
    worker = signed_in(learner())
    urls = walk_player(worker, player_urls(worker.get(lesson.url).content.decode()))
    playlist = next(u for u in urls if u.endswith("/index.m3u8"))
    segment = next(u for u in urls if u.endswith(".m4s"))
    for url, queries in ((playlist, 1), (segment, 0)):
        with CaptureQueriesContext(connection) as captured:
            assert worker.get(url).status_code == 200
        assert len(captured) == queries, [q["sql"] for q in captured]


def test_the_fallback_answers_byte_ranges(demo):
    video, lesson = demo
    lesson.save_revision().publish()
    worker = signed_in(learner())
    sources = video_sources(
        video=video, session_key=session_key(worker), page_id=lesson.pk
    )
    response = worker.get(sources.mp4, HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206
    assert len(body(response)) == 100
    assert response["Content-Range"].startswith("bytes 0-99/")
