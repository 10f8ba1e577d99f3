"""Accessibility basics on the learner pages: one h1, labelled controls, captions."""

from html.parser import HTMLParser

import pytest

from tests.factories import learner
from tests.lessons.factories import course_index, learning_home, video_row
from tests.lessons.stories import story_lesson

pytestmark = pytest.mark.django_db


class Outline(HTMLParser):
    """Headings, and form controls that have no label around them nor an aria-label."""

    def __init__(self):
        super().__init__()
        self.headings: list[str] = []
        self.unlabelled: list[str] = []
        self._labels = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.headings.append(tag)
        elif tag == "label":
            self._labels += 1
        elif tag in {"input", "select", "textarea"}:
            hidden = attrs.get("type") == "hidden"
            if not hidden and not self._labels and "aria-label" not in attrs:
                self.unlabelled.append(f"{tag} {attrs.get('name')}")

    def handle_endtag(self, tag):
        if tag == "label":
            self._labels -= 1


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


@pytest.fixture
def worker_client(client):
    client.force_login(learner())
    return client


def test_lesson_page_has_one_h1_scenes_as_h2_and_labelled_controls(worker_client):
    video = video_row(
        status="ready", hls_master_name="v/master.m3u8", mp4_name="v/video.mp4"
    )
    lesson = story_lesson(video=video)

    page = outline(worker_client.get(lesson.url).content.decode())

    assert page.headings.count("h1") == 1
    assert page.headings.index("h1") < page.headings.index("h2")
    assert page.unlabelled == []


@pytest.mark.parametrize("which", ["home", "catalogue"])
def test_feed_and_catalogue_have_one_h1_and_labelled_controls(worker_client, which):
    story_lesson()
    url = learning_home().url if which == "home" else course_index().url

    page = outline(worker_client.get(url).content.decode())

    assert page.headings.count("h1") == 1
    assert page.unlabelled == []
