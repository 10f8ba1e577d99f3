"""Lesson cards in the home feed show the lesson video's poster, signed for the
viewer: the picture loads for them and is the same 404 as a missing file for
anybody else."""

import re

import pytest
from django.test import Client

from tests.factories import learner
from tests.lessons.demo_video import transcoded_video
from tests.lessons.factories import learning_home
from tests.lessons.stories import story_lesson

pytestmark = pytest.mark.django_db


def card_pictures(html: str) -> list[str]:
    return re.findall(r'<img class="card-picture" src="([^"]+)"', html)


def test_a_card_shows_the_signed_poster_of_the_lesson_video():
    home = learning_home()
    story_lesson(video=transcoded_video(duration=2, size="320x240"))
    worker = Client()
    worker.force_login(learner())

    pictures = card_pictures(worker.get(home.url).content.decode())

    assert len(pictures) == 1 and pictures[0].startswith("/play/")
    picture = worker.get(pictures[0])
    assert picture.status_code == 200
    assert picture["Content-Type"] == "image/jpeg"
    outsider = Client()
    outsider.force_login(learner())
    assert outsider.get(pictures[0]).status_code == 404


def test_a_lesson_to_continue_shows_its_picture_too():
    from django.utils import timezone

    from progress.models import LessonProgress

    home = learning_home()
    lesson = story_lesson(video=transcoded_video(duration=2, size="320x240"))
    worker = learner()
    LessonProgress.objects.create(
        user=worker,
        lesson=lesson,
        status=LessonProgress.Status.STARTED,
        percent=40,
        last_activity_at=timezone.now(),
    )
    client = Client()
    client.force_login(worker)

    html = client.get(home.url).content.decode()

    continuing = html[html.index('id="feed-continue"') :]
    assert card_pictures(continuing)
