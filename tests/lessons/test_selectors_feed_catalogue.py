"""Feed and catalogue selectors: the viewer's own progress; topic/type/search."""

import pytest
from django.contrib.auth.models import AnonymousUser

from lessons.models import Instructor, Topic
from lessons.selectors import catalogue, course_lessons, home_feed, lesson_cards
from lessons.services import decision_record
from tests.factories import learner
from tests.lessons.factories import (
    CoursePageFactory,
    InstructorFactory,
    LessonPageFactory,
    Script,
)
from tests.lessons.stories import decision_id_of, story_lesson

pytestmark = pytest.mark.django_db


def choose(user, lesson, option_index=0):
    decision_record(
        user=user,
        lesson=lesson,
        decision_id=decision_id_of(lesson),
        option_index=option_index,
    )


def test_continue_lists_only_the_viewers_own_lessons_most_recent_first():
    worker, colleague = learner(), learner()
    older, newer, theirs = story_lesson(), story_lesson(), story_lesson()
    choose(worker, older)
    choose(worker, newer)
    choose(colleague, theirs)

    feed = home_feed(viewer=worker)

    assert [card.lesson for card in feed.continue_lessons] == [newer, older]


def test_changing_an_old_choice_brings_its_lesson_back_to_the_top():
    worker = learner()
    first, second = story_lesson(), story_lesson()
    choose(worker, first)
    choose(worker, second)
    choose(worker, first, option_index=1)

    continued = home_feed(viewer=worker).continue_lessons
    assert [card.lesson for card in continued] == [first, second]


def test_new_lessons_are_live_ones_newest_first():
    old = LessonPageFactory(title="旧课")
    new = LessonPageFactory(title="新课")
    draft = LessonPageFactory(title="草稿")
    draft.unpublish()

    feed = home_feed(viewer=learner())

    assert [card.lesson for card in feed.new_lessons] == [new, old]


def test_new_lessons_leave_out_those_the_viewer_has_started():
    worker = learner()
    started, fresh = story_lesson(), story_lesson()
    choose(worker, started)

    feed = home_feed(viewer=worker)

    assert [card.lesson for card in feed.new_lessons] == [fresh]
    assert [card.lesson for card in feed.continue_lessons] == [started]


def test_feed_lists_topics_with_live_lessons_and_their_count_not_the_lessons():
    law = Topic.objects.get(slug="rule-of-law")
    LessonPageFactory(title="电梯", topic=law)
    LessonPageFactory(title="调解", topic=law)
    LessonPageFactory(title="草稿", topic=law).unpublish()
    LessonPageFactory(title="无主题")

    feed = home_feed(viewer=learner())

    assert [(card.topic, card.lesson_count) for card in feed.topics] == [(law, 2)]


def test_a_lesson_card_takes_a_scene_image_else_the_course_cover():
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    picture = Image.objects.create(title="楼道", file=get_test_image_file())
    cover = Image.objects.create(title="封面", file=get_test_image_file())
    course = CoursePageFactory(cover=cover)
    with_scene = LessonPageFactory(
        parent=course, script=Script().scene("s", "楼道", image=picture).build()
    )
    plain = LessonPageFactory(parent=course)

    cards = {card.lesson: card for card in lesson_cards([with_scene, plain])}

    assert cards[with_scene].image == picture
    assert cards[plain].image == cover


def test_anonymous_feed_has_no_continue_list():
    choose(learner(), story_lesson())

    assert home_feed(viewer=AnonymousUser()).continue_lessons == []


def test_catalogue_by_instructor_type_takes_course_instructors_and_their_lessons():
    lawyer = InstructorFactory(type=Instructor.Type.LEGAL_COMMISSIONER)
    planner = InstructorFactory(type=Instructor.Type.COMMUNITY_PLANNER)
    law_course = CoursePageFactory(title="电梯纠纷", instructors=[lawyer])
    in_law_course = LessonPageFactory(parent=law_course, title="上门走访")
    plan_course = CoursePageFactory(title="睦邻客厅", instructors=[planner])
    guest = LessonPageFactory(
        parent=plan_course, title="请法治专员", instructors=[lawyer]
    )
    LessonPageFactory(parent=plan_course, title="选好带头人")

    result = catalogue(
        viewer=learner(), instructor_type=Instructor.Type.LEGAL_COMMISSIONER
    )

    assert result.courses == [law_course]
    assert result.lessons == [in_law_course, guest]


def test_catalogue_search_finds_chinese_words_inside_titles_and_script():
    lift = story_lesson(title="明园大楼加装电梯")
    story_lesson(title="睦邻门")  # its script mentions 楼道, not 电梯

    result = catalogue(viewer=learner(), query="电梯")
    by_script = catalogue(viewer=learner(), query="三委再议")

    assert result.lessons == [lift]
    assert result.courses == [lift.get_parent().specific]
    assert len(by_script.lessons) == 2  # both stories carry the key point


def test_catalogue_ignores_unknown_filter_values():
    course = CoursePageFactory()

    result = catalogue(viewer=learner(), topic="no-such", instructor_type="nobody")

    assert result.courses == [course]
    assert not result.filtered


def test_course_lessons_marks_only_the_viewers_started_lessons():
    worker = learner()
    course = CoursePageFactory()
    started = story_lesson(parent=course)
    other = story_lesson(parent=course)
    choose(learner(), other)
    choose(worker, started)

    entries = course_lessons(viewer=worker, course=course)

    assert [(e.lesson, e.started) for e in entries] == [(started, True), (other, False)]
