import pytest
from django.contrib.auth.models import AnonymousUser
from wagtail.models import Page

from lessons.cjk import cjk_ngrams
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


def test_wagtails_own_search_finds_the_word_through_the_indexed_ngrams(lessons):
    # The admin's page search uses Wagtail's token index, not lessons_search.
    from lessons.models import LessonPage

    assert list(LessonPage.objects.live().search("电梯")) == [lessons["lift"]]
    assert list(LessonPage.objects.live().search("加装电梯")) == [lessons["lift"]]


def test_ngrams_cover_every_run_of_up_to_four_characters():
    assert cjk_ngrams("加装电梯 ok").split() == sorted(
        ["加", "装", "电", "梯", "加装", "装电", "电梯", "加装电", "装电梯", "加装电梯"]
    )


def test_admin_page_search_finds_the_lift_lesson(client, lessons):
    from django.urls import reverse

    from tests.factories import trainer

    client.force_login(trainer())
    response = client.get(reverse("wagtailadmin_pages:search"), {"q": "电梯"})
    html = response.content.decode()
    assert "明园大楼的难题" in html and "楼道众筹" not in html


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


def test_search_does_not_match_a_decisions_consequence_text():
    from tests.lessons.stories import BEST_CONSEQUENCE, story_lesson

    lesson = story_lesson()

    assert not lessons_search(viewer=learner(), query=BEST_CONSEQUENCE[:8]).exists()
    assert list(lessons_search(viewer=learner(), query="召集楼组会议")) == [lesson]
