"""A trainer's admin home lists their drafts, videos in trouble and recent lessons."""

import pytest
from django.urls import reverse

from tests.factories import learner, neighbourhood, supervisor, trainer
from tests.lessons.factories import LessonPageFactory, video_row

pytestmark = pytest.mark.django_db


def test_trainer_dashboard_shows_drafts_failed_videos_and_recent_lessons(client):
    author = trainer()
    draft = LessonPageFactory(title="还在写的微课")
    draft.unpublish()
    draft.save_revision(user=author)
    LessonPageFactory(title="已发布的微课").save_revision(user=author).publish()
    video_row(title="坏掉的视频", status="failed", error="无法解码")
    video_row(title="正常的视频")
    client.force_login(author)

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    panel = html.split('id="trainer-dashboard-heading"')[1].split("</section>")[0]
    drafts, videos, recent = panel.split("<h3>")[1:4]
    assert "还在写的微课" in drafts and "已发布的微课" not in drafts
    assert "坏掉的视频" in videos and "无法解码" in videos
    assert "正常的视频" not in videos
    assert "已发布的微课" in recent


def test_supervisors_do_not_get_the_trainer_dashboard(client):
    client.force_login(supervisor(org_unit=neighbourhood()))

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert "trainer-dashboard-heading" not in html


def test_learners_get_no_dashboard_from_the_selector():
    from lessons.selectors import trainer_dashboard

    assert trainer_dashboard(viewer=learner()) is None
