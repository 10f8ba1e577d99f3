"""Topics and the site's own headings (learning home, catalogue) are UI text: an
English page shows them in English; lessons and courses stay as written."""

import pytest
from bs4 import BeautifulSoup

from lessons.models import LearningHomePage, Topic
from tests.factories import learner
from tests.lessons.factories import (
    CoursePageFactory,
    LessonPageFactory,
    course_index,
    learning_home,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(client):
    user = learner()
    client.force_login(user)
    return user


def english(client, url, **params):
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_the_fixed_topics_have_english_names():
    assert Topic.objects.get(slug="rule-of-law").name_en == "Rule of law"
    assert Topic.objects.get(slug="deliberation").name_en == "Deliberation"
    assert Topic.objects.filter(name_en="").count() == 0


def test_english_home_shows_topic_cards_in_english(client, worker):
    law = Topic.objects.get(slug="rule-of-law")
    LessonPageFactory(title="明园大楼的电梯", topic=law)
    page = english(client, learning_home().url)
    names = [n.get_text(strip=True) for n in page.select(".topic-name")]
    assert names == ["Rule of law"]
    # The lesson is content: its title stays as the trainer wrote it.
    assert "明园大楼的电梯" in page.get_text()


def test_chinese_home_keeps_chinese_topic_names(client, worker):
    LessonPageFactory(topic=Topic.objects.get(slug="rule-of-law"))
    html = client.get(learning_home().url).content.decode()
    names = [
        n.get_text(strip=True)
        for n in BeautifulSoup(html, "html.parser").select(".topic-name")
    ]
    assert names == ["法治"]


def test_a_topic_without_an_english_name_shows_its_chinese_name(client, worker):
    topic = Topic.objects.create(name="睦邻门", slug="neighbour-gates")
    LessonPageFactory(topic=topic)
    page = english(client, learning_home().url)
    assert [n.get_text(strip=True) for n in page.select(".topic-name")] == ["睦邻门"]


def test_english_catalogue_heading_intro_and_topic_filter(client, worker):
    index = course_index()
    index.title_en = "Courses"
    index.intro = "<p>按主题和讲师类型找课。</p>"
    index.intro_en = "<p>Find courses by topic and instructor type.</p>"
    index.save()
    course = CoursePageFactory(parent=index)
    LessonPageFactory(parent=course, topic=Topic.objects.get(slug="rule-of-law"))
    page = english(client, index.url)
    assert page.h1.get_text(strip=True) == "Courses"
    assert page.title.get_text(strip=True) == "Courses · Weiketang"
    assert "Find courses by topic and instructor type." in page.get_text()
    assert "按主题和讲师类型找课" not in page.get_text()
    options = [o.get_text(strip=True) for o in page.select("select[name=topic] option")]
    assert "Rule of law" in options and "法治" not in options


def test_chinese_catalogue_keeps_the_chinese_heading(client, worker):
    index = course_index()
    index.title_en = "Courses"
    index.save()
    html = client.get(index.url).content.decode()
    assert BeautifulSoup(html, "html.parser").h1.get_text(strip=True) == "课程"


def test_english_home_heading_is_english(client, worker):
    page = english(client, learning_home().url)
    assert page.h1.get_text(strip=True) == "Weiketang"


def test_the_home_pages_english_title_survives_the_next_publish():
    # The migration wrote it into the latest revision too, which the editor loads.
    home = LearningHomePage.objects.get()
    revision = home.get_latest_revision_as_object()
    revision.save_revision().publish()
    assert LearningHomePage.objects.get().title_en == "Weiketang"
