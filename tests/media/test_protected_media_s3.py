"""Protected media on S3-compatible object storage (moto's server, a private
bucket): the same answers from our views, presigned URLs for the bucket's
objects, nothing readable from the bucket without a signature, and HLS playing
through hls.js in chromium."""

import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import learner, trainer
from tests.lessons.demo_video import transcoded_video
from tests.lessons.stories import story_lesson
from tests.lessons.test_browser_lesson import press_continue, sign_in
from tests.media.walk import body, player_urls, playlist_uris

pytestmark = pytest.mark.django_db(transaction=True)


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def walk(client: Client, entry: set[str]) -> tuple[set[str], set[str]]:
    """(our URLs, presigned bucket URLs) reached from a page's player URLs; every
    one of them answers."""
    ours, bucket, todo = set(), set(), sorted(entry)
    while todo:
        url = todo.pop()
        if url in ours:
            continue
        ours.add(url)
        response = client.get(url)
        if urlsplit(url).path.endswith(".m3u8"):
            assert response.status_code == 200, url
            for uri in playlist_uris(url, body(response).decode()):
                (bucket.add(uri) if "://" in uri else todo.append(uri))
        else:  # fallback, poster, captions: a short presigned redirect
            assert response.status_code == 302, url
            bucket.add(response["Location"])
    assert all(fetch(url) == 200 for url in bucket)
    return ours, bucket


def refused(client: Client, urls) -> set:
    return {(r.status_code, r["Content-Type"], body(r)) for r in map(client.get, urls)}


@pytest.fixture
def s3_lesson(private_bucket):
    client, bucket = private_bucket
    video = transcoded_video(duration=4, size="640x360")
    lesson = story_lesson(video=video)
    lesson.unpublish()
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]]
    assert any(k.endswith(".m4s") for k in keys) and video.file.name in keys
    endpoint = client.meta.endpoint_url
    plain = {f"{endpoint}/{bucket}/{key}" for key in keys}
    return video, lesson, plain, endpoint


def test_every_url_answers_only_those_allowed_from_a_private_bucket(s3_lesson):
    video, lesson, plain, _endpoint = s3_lesson
    original = reverse("media_original", args=(video.pk,))
    anonymous, worker, staff = Client(), signed_in(learner()), signed_in(trainer())

    # Nothing in the bucket is readable without a signature.
    assert {fetch(url) for url in plain} == {403}

    assert worker.get(lesson.url).status_code == 404  # a draft
    assert len(refused(worker, [original])) == 1

    lesson.save_revision().publish()
    mine, presigned = walk(worker, player_urls(worker.get(lesson.url).content.decode()))
    assert any(".m4s" in url for url in presigned)
    theirs, _ = walk(staff, player_urls(staff.get(lesson.url).content.decode()))

    not_found = refused(anonymous, mine | theirs | {original})
    not_found |= refused(worker, theirs | {original})
    not_found |= refused(staff, mine)
    assert len(not_found) == 1 and next(iter(not_found))[0] == 404
    response = staff.get(original)
    assert response.status_code == 302 and fetch(response["Location"]) == 200


@pytest.mark.browser
def test_hls_js_plays_from_the_private_bucket(s3_lesson, phone_page, live_server):
    video, lesson, _plain, endpoint = s3_lesson
    lesson.save_revision().publish()
    page = phone_page
    sign_in(page, live_server, learner())
    bucket_requests = []
    page.on(
        "requestfinished",
        lambda request: (
            bucket_requests.append(request.url)
            if request.url.startswith(endpoint)
            else None
        ),
    )
    page.goto(lesson.url)
    press_continue(page)
    hls = page.locator("video").first.get_attribute("data-hls")
    # hls.js itself, whatever delivery player.js would choose for this clip.
    played = page.evaluate(
        """async (src) => {
          if (!window.Hls) {
            await new Promise((ok, fail) => {
              const script = document.createElement("script");
              script.src = document.querySelector("[data-hls-src]").dataset.hlsSrc;
              script.onload = ok; script.onerror = fail;
              document.head.append(script);
            });
          }
          const video = document.createElement("video");
          video.muted = true;
          document.body.append(video);
          const hls = new Hls();
          const failed = new Promise((_, fail) => hls.on(Hls.Events.ERROR,
            (_e, data) => data.fatal && fail(new Error(data.details))));
          hls.loadSource(src);
          hls.attachMedia(video);
          await Promise.race([failed, new Promise(
            (ok) => hls.on(Hls.Events.MANIFEST_PARSED, ok))]);
          await video.play();
          await Promise.race([failed, new Promise((ok) => {
            const check = () => video.currentTime > 1 ? ok() : setTimeout(check, 100);
            check();
          })]);
          return video.currentTime;
        }""",
        hls,
    )
    assert played > 1
    segments = [url for url in bucket_requests if ".m4s" in url]
    assert segments and all("X-Amz-Signature=" in url for url in segments)
