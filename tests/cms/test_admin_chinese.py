"""A zh-hans trainer's Wagtail admin is Chinese: Wagtail's catalogue, ours and
locale_wagtail/ for what Wagtail 8.0's zh_Hans lacks; no English guides."""

import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.factories import trainer
from tests.lessons.factories import CoursePageFactory, LessonPageFactory

pytestmark = pytest.mark.django_db

# Wagtail UI text a trainer met in English before locale_wagtail/ and the settings.
WAGTAIL_ENGLISH = [
    "Search all pages…",
    "Save changes",
    "Page type",
    "Date updated",
    "Edited by",
    "Content metrics",
    "Show keyboard shortcuts",
    "Editor Guide",
    "editor guide",
    "What's new in Wagtail",
    "in ascending order",
]


def visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "template"]):
        tag.decompose()
    attributes = [
        el.get(name)
        for el in soup.find_all(True)
        for name in ("placeholder", "aria-label", "title")
        if el.get(name)
    ]
    return " ".join([soup.get_text(" "), *attributes])


@pytest.fixture
def trainer_pages(client):
    client.force_login(trainer())
    lesson = LessonPageFactory(parent=CoursePageFactory())
    return client, {
        "dashboard": reverse("wagtailadmin_home"),
        "explorer": reverse("wagtailadmin_explore", args=[lesson.get_parent().pk]),
        "listing": "/admin/snippets/lessons/topic/",
        "edit": reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
    }


@pytest.mark.parametrize("page", ["dashboard", "explorer", "listing", "edit"])
def test_trainer_admin_pages_have_no_english_wagtail_ui(trainer_pages, page):
    client, urls = trainer_pages
    response = client.get(urls[page])
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    text = visible_text(html)
    assert [phrase for phrase in WAGTAIL_ENGLISH if phrase in text] == []
    assert re.search(r"删除|搜索|保存|页面|控制面板", text)


def test_wagtail_upgrade_notice_and_whats_new_banner_are_off(settings):
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    assert settings.WAGTAIL_ENABLE_WHATS_NEW_BANNER is False
