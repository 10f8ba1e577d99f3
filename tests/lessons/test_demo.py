"""The demo course, seeded twice through media's real transcode (slow: one test)."""

import io

import pytest
from wagtail.models import Revision

from lessons import demo
from lessons.models import Character, CoursePage, Instructor, LessonPage
from lessons.search import lessons_search
from tests.deps import require_binary
from tests.factories import learner


def _counts():
    from media.models import Video, VideoCaption, VideoRendition

    return {
        "lessons": LessonPage.objects.count(),
        "courses": CoursePage.objects.count(),
        "videos": Video.objects.count(),
        "renditions": VideoRendition.objects.count(),
        "captions": VideoCaption.objects.count(),
        "characters": Character.objects.count(),
        "instructors": Instructor.objects.count(),
        "revisions": Revision.objects.count(),
    }


# Transactional: the transcode's lease heartbeat writes from its own connection.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_seed_builds_the_san_wei_course_once():
    require_binary("ffmpeg")
    require_binary("fc-match")
    demo.seed(stdout=io.StringIO())
    first = _counts()
    demo.seed(stdout=io.StringIO())

    assert _counts() == first
    course = CoursePage.objects.get(title="三微治理")
    lessons = list(LessonPage.objects.child_of(course).live())
    assert len(lessons) >= 6
    for lesson in lessons:
        kinds = [child.block_type for child in lesson.script]
        assert "dialogue" in kinds and "decision" in kinds, lesson.title
        decisions = [c.value for c in lesson.script if c.block_type == "decision"]
        assert all(2 <= len(d["options"]) <= 4 for d in decisions)
        assert any(o["jump_to"] for d in decisions for o in d["options"])
        (video,) = [c.value["video"] for c in lesson.script if c.block_type == "video"]
        video.refresh_from_db()
        assert video.is_ready, (lesson.title, video.status, video.error)
        assert video.captions.filter(language="zh-hans").exists()
        assert lesson.instructors.exists() and lesson.topic is not None
        assert 0 < lesson.estimated_minutes <= 10
    found = list(lessons_search(viewer=learner(), query="电梯"))
    assert [lesson.slug for lesson in found] == ["mingyuan-lift"]
