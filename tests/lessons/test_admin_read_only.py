"""Supervisors open the live lessons read-only in the admin (Wagtail's preview of
the live page: every branch, nothing stored); they get no editor and no 微课素材."""

import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from dashboards.services.stats import stats_rebuild_all
from tests.dashboards.dataset import progress
from tests.factories import learner, neighbourhood, street, supervisor, trainer
from tests.lessons.stories import BEST_CONSEQUENCE, story_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(client):
    user = supervisor(org_unit=street())
    client.force_login(user)
    return user


def draft_lesson(**fields):
    lesson = story_lesson(**fields)
    lesson.unpublish()
    return lesson


def sidebar_labels(html: str) -> list[str]:
    props = BeautifulSoup(html, "html.parser").find(
        "script", id="wagtail-sidebar-props"
    )
    labels = []

    def walk(node):
        if isinstance(node, dict):
            if "label" in node:
                labels.append(node["label"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(props.string))
    return labels


def test_supervisor_menu_has_read_only_lessons_and_no_lesson_materials(client, boss):
    labels = sidebar_labels(client.get(reverse("wagtailadmin_home")).content.decode())
    assert "微课（只读）" in labels
    assert "微课素材" not in labels


def test_trainers_menu_has_no_read_only_lessons(client):
    client.force_login(trainer())
    labels = sidebar_labels(client.get(reverse("wagtailadmin_home")).content.decode())
    assert "微课（只读）" not in labels
    assert "微课素材" in labels


def test_supervisor_lists_live_lessons_but_no_drafts(client, boss):
    story_lesson(title="楼道里的杂物")
    draft_lesson(title="还没发布的微课")
    html = client.get(reverse("lesson_previews:index")).content.decode()
    assert "楼道里的杂物" in html
    assert "还没发布的微课" not in html


def test_supervisor_opens_a_live_lesson_read_only(client, boss):
    lesson = story_lesson(title="楼道里的杂物")
    page = client.get(reverse("lesson_previews:lesson", args=[lesson.pk]))
    assert page.status_code == 200
    frame = BeautifulSoup(page.content.decode(), "html.parser").find("iframe")
    assert frame["src"] == reverse("lesson_previews:frame", args=[lesson.pk])

    response = client.get(frame["src"])
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    html = response.content.decode()
    assert "预览：选择不会保存" in html
    # Every branch is open in a preview, and the page reports no progress.
    assert BEST_CONSEQUENCE in html
    assert "data-progress-url" not in html


def test_the_read_only_lesson_is_the_live_version_not_a_newer_draft(client, boss):
    lesson = story_lesson(title="已发布的标题")
    lesson.title = "草稿里的新标题"
    lesson.save_revision()
    html = client.get(reverse("lesson_previews:frame", args=[lesson.pk])).content
    assert "已发布的标题" in html.decode()
    assert "草稿里的新标题" not in html.decode()


def test_a_draft_lesson_is_a_404_for_the_supervisor(client, boss):
    lesson = draft_lesson()
    for name in ("lesson_previews:lesson", "lesson_previews:frame"):
        assert client.get(reverse(name, args=[lesson.pk])).status_code == 404


@pytest.mark.parametrize("make", [trainer, learner])
def test_read_only_lessons_are_a_404_for_other_roles(client, make):
    lesson = story_lesson()
    client.force_login(make())
    for url in (
        reverse("lesson_previews:index"),
        reverse("lesson_previews:lesson", args=[lesson.pk]),
        reverse("lesson_previews:frame", args=[lesson.pk]),
    ):
        assert client.get(url).status_code in (404, 302)  # 302: no admin access


def test_supervisor_cannot_open_the_lesson_editor(client, boss):
    lesson = story_lesson()
    response = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
    assert response.status_code in (302, 403)


def test_dashboard_lesson_table_links_to_the_read_only_lesson(client):
    unit = street()
    boss = supervisor(org_unit=unit)
    lesson = story_lesson(title="楼道里的杂物")
    progress(
        learner(org_unit=neighbourhood(parent=unit)),
        lesson,
        done=True,
        at=timezone.now(),
        seconds=60,
    )
    stats_rebuild_all()
    client.force_login(boss)
    html = client.get(reverse("dashboards:home")).content.decode()
    table = BeautifulSoup(html, "html.parser").find(
        "table", attrs={"data-table": "lessons"}
    )
    link = table.find("a", string="楼道里的杂物")
    assert link["href"] == reverse("lesson_previews:lesson", args=[lesson.pk])
