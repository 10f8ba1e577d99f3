import pytest
from django.contrib.auth.models import AnonymousUser
from wagtail.models import Page

from lessons.search import lessons_search
from tests.factories import learner
from tests.lessons.factories import CharacterFactory, LessonPageFactory, Script

pytestmark = pytest.mark.django_db


@pytest.fixture
def lessons():
    speaker = CharacterFactory(name="周律师")
    lift = LessonPageFactory(
        title="明园大楼的难题",
        summary="费用分摊引发的争执",
        script=Script()
        .scene("start", "楼下的告示")
        .dialogue(speaker, "明园大楼加装电梯的费用，我们先把账算清楚。")
        .build(),
    )
    stairwell = LessonPageFactory(
        title="楼道众筹",
        summary="一个楼组的改变",
        script=Script().narration("楼道里堆满了杂物，大家决定众筹粉刷。").build(),
    )
    return {"lift": lift, "stairwell": stairwell}


def test_search_finds_a_word_inside_unspaced_chinese_script_text(lessons):
    found = list(lessons_search(viewer=learner(), query="电梯"))
    assert found == [lessons["lift"]]


def test_wagtails_full_text_index_alone_misses_that_word(lessons):
    # Why lessons_search exists: the database backend matches whole tokens only.
    from lessons.models import LessonPage

    assert list(LessonPage.objects.live().search("电梯")) == []


def test_search_matches_titles_and_summaries(lessons):
    viewer = learner()
    assert list(lessons_search(viewer=viewer, query="众筹")) == [lessons["stairwell"]]
    assert list(lessons_search(viewer=viewer, query="分摊")) == [lessons["lift"]]


def test_every_term_must_match(lessons):
    viewer = learner()
    assert list(lessons_search(viewer=viewer, query="电梯 律师")) == [lessons["lift"]]
    assert list(lessons_search(viewer=viewer, query="电梯 众筹")) == []


def test_unpublished_lessons_are_not_found(lessons):
    lessons["lift"].unpublish()
    assert list(lessons_search(viewer=learner(), query="电梯")) == []


def test_anonymous_viewers_and_blank_queries_find_nothing(lessons):
    assert list(lessons_search(viewer=AnonymousUser(), query="电梯")) == []
    assert list(lessons_search(viewer=learner(), query="   ")) == []


def test_search_text_follows_script_edits(lessons):
    lift = lessons["lift"]
    lift.script = Script().narration("改成讲停车的故事了").build()
    lift.save_revision().publish()
    assert list(lessons_search(viewer=learner(), query="电梯")) == []
    assert list(lessons_search(viewer=learner(), query="停车")) == [
        Page.objects.get(pk=lift.pk).specific
    ]
