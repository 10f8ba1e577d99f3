"""A zh-hans trainer's Wagtail admin is Chinese: Wagtail's catalogue, ours and
locale_wagtail/ for what Wagtail 8.0's zh_Hans lacks; no English guides."""

import ast
import json
import re
from functools import cache
from pathlib import Path

import pytest
import wagtail
import wagtailmedia
from bs4 import BeautifulSoup, CData, NavigableString, TemplateString
from django.urls import reverse

from lessons.models import Topic
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
    "Keyboard shortcuts are currently",
    "JavaScript is required",
    "created in",
    "Referenced",
    "Editor Guide",
    "editor guide",
    "编辑指南",
    "What's new in Wagtail",
    "in ascending order",
    # wagtailmedia's zh_Hans catalogue kept the French "ou" (音频 ou 视频).
    "ou",
]

# Latin words that Chinese admin text keeps: key names in the shortcuts dialog,
# units, formats and technologies, the example address in a help text.
ALLOWED_WORDS = {
    "ctrl", "alt", "shift", "esc", "cmd", "mb", "kb", "gb", "mp4", "hls", "url",
    "id", "csv", "xlsx", "javascript", "http", "https", "domain", "com", "my",
    "work",
}  # fmt: skip


def po_msgids(po: Path) -> list[str]:
    msgids, current = [], None
    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith(("msgid ", "msgid_plural ")):
            current = ast.literal_eval(line.split(" ", 1)[1])
            msgids.append(current)
        elif line.startswith('"') and current is not None:
            msgids[-1] += ast.literal_eval(line)
        else:
            current = None
    return msgids


@cache
def wagtail_words() -> frozenset[str]:
    """Every English word in Wagtail's and wagtailmedia's own message ids."""
    words = set()
    for package in (wagtail, wagtailmedia):
        root = Path(package.__file__).parent
        for po in root.glob("**/locale/en/LC_MESSAGES/*.po"):
            for msgid in po_msgids(po):
                text = re.sub(r"<[^>]+>|%\(\w+\)[sd]|\{\{[^}]*\}\}", " ", msgid)
                words.update(w.lower() for w in re.findall(r"[A-Za-z]{2,}", text))
    return frozenset(words - ALLOWED_WORDS)


def visible_text(html: str) -> str:
    """What a trainer can read or hear, dialogs and the no-script notice included.

    <template> holds dialogs the page opens (keyboard shortcuts) and <noscript>
    the notice without JavaScript, so both are read; the sidebar's menu comes as
    JSON. Addresses are dropped: an example URL in a help text is not English.
    """
    soup = BeautifulSoup(html, "html.parser")
    labels = []
    sidebar = soup.find("script", id="wagtail-sidebar-props")
    if sidebar:

        def walk(node):
            if isinstance(node, dict):
                labels.extend(str(node[k]) for k in ("label", "title") if k in node)
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(json.loads(sidebar.string))
    for tag in soup(["script", "style"]):
        tag.decompose()
    # The side panel's counter holds a number that JavaScript fills in.
    for tag in soup.select("[data-side-panel-toggle-counter]"):
        tag.decompose()
    attributes = [
        el.get(name)
        for el in soup.find_all(True)
        for name in ("placeholder", "aria-label", "title", "alt")
        if el.get(name)
    ]
    # get_text leaves out strings inside <template> unless asked for them.
    strings = soup.get_text(" ", types=(NavigableString, CData, TemplateString))
    text = " ".join([strings, *attributes, *labels])
    return re.sub(r"https?://\S+", " ", text)


def english_wagtail_words(text: str, content: str = "") -> list[str]:
    """Words of Wagtail's UI in text, leaving out the words of content shown."""
    content_words = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", content)}
    return sorted(
        {
            w
            for w in re.findall(r"[A-Za-z]{2,}", text)
            if w.lower() in wagtail_words() and w.lower() not in content_words
        }
    )


def test_english_wagtail_words_finds_wagtail_ui_text_and_leaves_content_alone():
    text = visible_text(
        "<p>4 Pages created in 微课堂</p><template><p>Keyboard shortcuts</p>"
        "</template><noscript>Wagtail is required</noscript><p>community</p>"
        '<p title="Search all pages">Ctrl + k</p>'
    )
    assert english_wagtail_words(text, content="community") == [
        "Keyboard",
        "Pages",
        "Search",
        "Wagtail",
        "all",
        "created",
        "in",
        "is",
        "pages",
        "required",
        "shortcuts",
    ]


@pytest.fixture
def trainer_pages(client):
    client.force_login(trainer())
    lesson = LessonPageFactory(parent=CoursePageFactory())
    return client, {
        "dashboard": reverse("wagtailadmin_home"),
        "explorer": reverse("wagtailadmin_explore", args=[lesson.get_parent().pk]),
        "listing": "/admin/snippets/lessons/topic/",
        "media listing": reverse("wagtailmedia:index"),
        "edit": reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
    }


PAGES = ["dashboard", "explorer", "listing", "media listing", "edit"]


@pytest.mark.parametrize("page", PAGES)
def test_trainer_admin_pages_have_no_english_wagtail_ui(trainer_pages, page):
    client, urls = trainer_pages
    response = client.get(urls[page])
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    text = visible_text(html)
    assert [
        phrase
        for phrase in WAGTAIL_ENGLISH
        if re.search(rf"(?<![A-Za-z]){re.escape(phrase)}(?![A-Za-z])", text)
    ] == []
    assert re.search(r"删除|搜索|保存|页面|控制面板", text)


def test_browser_title_names_our_admin_not_wagtail(trainer_pages):
    client, urls = trainer_pages
    html = client.get(urls["dashboard"]).content.decode()
    title = BeautifulSoup(html, "html.parser").title.string
    assert title.strip() == "控制面板 - 微课堂管理后台"


def test_the_moderation_workflow_a_trainer_submits_to_has_a_chinese_name(
    trainer_pages,
):
    client, urls = trainer_pages
    text = visible_text(client.get(urls["edit"]).content.decode())
    assert "提交给审核员" in text


@pytest.mark.parametrize("page", PAGES)
def test_trainer_admin_pages_have_no_english_words_from_wagtail(trainer_pages, page):
    client, urls = trainer_pages
    text = visible_text(client.get(urls[page]).content.decode())
    # The topics' slugs are content a trainer wrote, not Wagtail's UI.
    content = " ".join(Topic.objects.values_list("slug", flat=True))
    assert english_wagtail_words(text, content) == []


def test_wagtail_upgrade_notice_and_whats_new_banner_are_off(settings):
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    assert settings.WAGTAIL_ENABLE_WHATS_NEW_BANNER is False
