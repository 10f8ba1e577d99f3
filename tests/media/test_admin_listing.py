"""The video listing a trainer works from: poster, duration, status, the lessons
using each video, and audio offered as 音频课."""

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from media.models import Video
from tests.factories import neighbourhood, supervisor, trainer
from tests.lessons.stories import story_lesson
from tests.media.factories import ReadyVideoFactory, VideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer_client(client):
    client.force_login(trainer())
    return client


def listing_row(client, title: str):
    html = client.get(reverse("wagtailmedia:index")).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    link = soup.find("a", string=title)
    assert link is not None, f"{title} is not listed"
    return link.find_parent("tr")


def test_listing_shows_the_poster_thumbnail_of_a_transcoded_video(trainer_client):
    video = ReadyVideoFactory(title="有海报的视频")
    row = listing_row(trainer_client, "有海报的视频")
    img = row.find("img")
    assert img["src"] == reverse("media_poster", args=[video.pk])
    assert img["loading"] == "lazy"


def test_poster_is_served_to_a_trainer_and_is_a_404_for_a_supervisor(client):
    video = ReadyVideoFactory()
    default_storage.save(video.poster_name, ContentFile(b"\xff\xd8poster"))
    url = reverse("media_poster", args=[video.pk])
    client.force_login(supervisor(org_unit=neighbourhood()))
    assert client.get(url).status_code == 404
    client.force_login(trainer())
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8poster"


def test_listing_shows_the_duration_as_minutes_and_seconds(trainer_client):
    VideoFactory(title="一分零五秒", duration=65.4)
    row = listing_row(trainer_client, "一分零五秒")
    assert row.find(class_="video-listing__duration").get_text(strip=True) == "1:05"


def test_listing_shows_the_transcode_status(trainer_client):
    VideoFactory(title="排队的视频", status=Video.Status.QUEUED)
    row = listing_row(trainer_client, "排队的视频")
    assert row.find(attrs={"data-video-status": "queued"}).get_text(strip=True) == (
        "排队中"
    )


def test_listing_names_the_lessons_that_use_the_video(trainer_client):
    video = ReadyVideoFactory(title="楼道视频")
    ReadyVideoFactory(title="没人用的视频")
    lesson = story_lesson(video=video, title="楼道里的杂物")
    row = listing_row(trainer_client, "楼道视频")
    lessons = row.find(class_="video-listing__lessons")
    link = lessons.find("a", string="楼道里的杂物")
    assert link["href"] == reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    unused = listing_row(trainer_client, "没人用的视频")
    assert unused.find(class_="video-listing__lessons").get_text(strip=True) == "未使用"


def test_listing_queries_do_not_grow_with_the_number_of_videos(trainer_client):
    def queries_with(videos: int) -> int:
        while Video.objects.count() < videos:
            story_lesson(
                video=ReadyVideoFactory(), title=f"微课{Video.objects.count()}"
            )
        trainer_client.get(reverse("wagtailmedia:index"))  # warm caches
        with CaptureQueriesContext(connection) as queries:
            assert trainer_client.get(reverse("wagtailmedia:index")).status_code == 200
        return len(queries)

    few = queries_with(2)
    assert queries_with(12) == few


def test_audio_is_offered_as_audio_lessons(trainer_client):
    html = trainer_client.get(reverse("wagtailmedia:index")).content.decode()
    buttons = [
        a.get_text(strip=True)
        for a in BeautifulSoup(html, "html.parser").select("a.button")
    ]
    assert "添加音频课" in buttons
    assert "添加音频" not in buttons
    add = trainer_client.get(reverse("wagtailmedia:add", args=["audio"]))
    assert "添加音频课" in add.content.decode()
