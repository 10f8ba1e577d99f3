"""Learner pages: login, the story as a conversation, no outcome before choosing."""

import re

import pytest

from lessons.models import CoursePage, DecisionChoice, LessonPage, Topic
from lessons.services import decision_record
from tests.factories import learner
from tests.lessons.factories import (
    CoursePageFactory,
    LessonPageFactory,
    course_index,
    learning_home,
    video_row,
)
from tests.lessons.stories import (
    BEST_CONSEQUENCE,
    POOR_CONSEQUENCE,
    decision_id_of,
    story_lesson,
    story_script,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(client):
    user = learner()
    client.force_login(user)
    return user


@pytest.mark.parametrize("page", ["home", "catalogue", "course", "lesson"])
def test_anonymous_visitors_are_sent_to_login(client, page):
    lesson = story_lesson()
    url = {
        "home": learning_home().url,
        "catalogue": course_index().url,
        "course": lesson.get_parent().url,
        "lesson": lesson.url,
    }[page]

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_lesson_page_renders_dialogue_with_speakers_and_avatars(client, worker):
    lesson = story_lesson()

    response = client.get(lesson.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h2>楼道里的杂物</h2>" in html
    assert '<span class="speaker-name">王阿姨</span>' in html
    assert '<span class="speaker-role">居民</span>' in html
    assert 'aria-hidden="true">王</span>' in html  # the text avatar
    assert "楼道里堆满了东西,谁来管?" in html
    # The social worker's own lines sit on the other side, like one's own messages.
    assert html.count('class="line line--self"') == 1


def test_consequences_are_not_in_the_page_before_choosing(client, worker):
    lesson = story_lesson()

    html = client.get(lesson.url).content.decode()

    assert "召集楼组会议" in html  # the options are there
    assert BEST_CONSEQUENCE not in html
    assert POOR_CONSEQUENCE not in html
    assert "best" not in html and "poor" not in html  # nor the ratings


def test_the_page_before_a_choice_holds_none_of_the_branch_scenes_text(client, worker):
    lesson = story_lesson()

    html = client.get(lesson.url).content.decode()

    assert "你会怎么做?" in html  # the path stops at the open decision
    assert "楼组议事会" not in html  # the best option's scene
    assert "第二天,杂物又出现了。" not in html  # what follows the poor option
    assert "组先议,小区续议,三委再议" not in html  # and everything after


def test_after_choosing_the_page_shows_the_chosen_branch(client, worker):
    lesson = story_lesson()
    decision_record(
        user=worker, lesson=lesson, decision_id=decision_id_of(lesson), option_index=0
    )

    html = client.get(lesson.url).content.decode()

    assert "楼组议事会" in html and "组先议,小区续议,三委再议" in html
    assert "第二天,杂物又出现了。" not in html  # skipped by the jump


def test_a_finished_story_shows_its_key_points_once_in_the_end_card(client, worker):
    lesson = story_lesson()
    decision_record(
        user=worker, lesson=lesson, decision_id=decision_id_of(lesson), option_index=0
    )

    html = client.get(lesson.url).content.decode()

    assert html.count("组先议,小区续议,三委再议") == 1
    end_card = html[html.index('id="lesson-end"') :]
    assert "组先议,小区续议,三委再议" in end_card


def test_after_the_option_without_a_jump_the_story_goes_on_in_order(client, worker):
    lesson = story_lesson()
    decision_record(
        user=worker, lesson=lesson, decision_id=decision_id_of(lesson), option_index=1
    )

    html = client.get(lesson.url).content.decode()

    assert html.index("第二天,杂物又出现了。") < html.index("楼组议事会")


def test_after_choosing_only_the_chosen_consequence_is_shown(client, worker):
    lesson = story_lesson()
    decision_record(
        user=worker, lesson=lesson, decision_id=decision_id_of(lesson), option_index=1
    )

    html = client.get(lesson.url).content.decode()

    assert POOR_CONSEQUENCE in html
    assert BEST_CONSEQUENCE not in html
    assert 'value="1" required checked' in html


def test_after_a_re_choice_the_page_says_the_first_choice_is_scored(client, worker):
    lesson = story_lesson()
    decision_id = decision_id_of(lesson)
    decision_record(user=worker, lesson=lesson, decision_id=decision_id, option_index=1)
    decision_record(user=worker, lesson=lesson, decision_id=decision_id, option_index=0)

    html = client.get(lesson.url).content.decode()

    assert BEST_CONSEQUENCE in html  # the latest choice is the one shown
    assert "改选只用于练习，成绩按第一次选择计算。" in html
    assert "计入成绩的是你第一次的选择：第 2 项（欠妥）。" in html


def test_another_workers_choice_is_not_shown(client, worker):
    lesson = story_lesson()
    decision_record(
        user=learner(),
        lesson=lesson,
        decision_id=decision_id_of(lesson),
        option_index=1,
    )

    html = client.get(lesson.url).content.decode()

    assert POOR_CONSEQUENCE not in html


def test_a_lesson_that_is_not_live_is_not_found(client, worker):
    lesson = story_lesson()
    url = lesson.url
    lesson.unpublish()

    assert client.get(url).status_code == 404


def test_plain_form_post_records_the_choice_and_returns_to_the_decision(client, worker):
    lesson = story_lesson()
    decision_id = decision_id_of(lesson)

    response = client.post(
        f"/lesson-decisions/{lesson.pk}/",
        {"decision_id": decision_id, "option_index": "0"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{lesson.url}#decision-{decision_id}"
    assert DecisionChoice.objects.get(user=worker).option_index == 0


def test_plain_form_post_refuses_an_option_out_of_range(client, worker):
    lesson = story_lesson()

    response = client.post(
        f"/lesson-decisions/{lesson.pk}/",
        {"decision_id": decision_id_of(lesson), "option_index": "7"},
    )

    assert response.status_code == 400
    assert not DecisionChoice.objects.exists()


def test_lesson_page_loads_no_video_library_before_play(client, worker):
    html = client.get(story_lesson().url).content.decode()

    assert "hls.light.min.js" not in html.split("data-hls-src")[0]
    # The one classic script is the tiny boot.js (moved out of line for the CSP).
    assert re.findall(r'<script src="([^"]+)"', html) == ["/static/lessons/boot.js"]


def test_home_feed_lists_the_workers_started_lessons_first(client, worker):
    started = story_lesson(title="楼道杂物怎么办")
    story_lesson(title="睦邻门是怎么开的")
    decision_record(
        user=worker, lesson=started, decision_id=decision_id_of(started), option_index=0
    )

    html = client.get(learning_home().url).content.decode()

    continue_section = html.split('id="feed-continue"')[1].split("</section>")[0]
    assert "楼道杂物怎么办" in continue_section
    assert "睦邻门是怎么开的" not in continue_section
    assert html.count("楼道杂物怎么办") == 1  # one list per purpose


def test_catalogue_filters_by_topic(client, worker):
    law = Topic.objects.get(slug="rule-of-law")
    course = CoursePageFactory(title="电梯纠纷调解")
    LessonPageFactory(parent=course, title="明园大楼的电梯", topic=law)
    CoursePageFactory(title="睦邻客厅改造")

    html = client.get(course_index().url, {"topic": "rule-of-law"}).content.decode()

    assert "电梯纠纷调解" in html
    assert "明园大楼的电梯" in html
    assert "睦邻客厅改造" not in html


def test_course_page_lists_its_live_lessons_in_order(client, worker):
    course = CoursePageFactory(title="三轮议事法则")
    LessonPageFactory(parent=course, title="组先议")
    LessonPageFactory(parent=course, title="小区续议")
    hidden = LessonPageFactory(parent=course, title="三委再议")
    hidden.unpublish()

    html = client.get(course.url).content.decode()

    assert html.index("组先议") < html.index("小区续议")
    assert "三委再议" not in html


def test_video_block_offers_the_mp4_and_captions_and_the_clip_limits(client, worker):
    video = video_row(status="ready", output_prefix="videos/1/t0k3n")
    video.hls_master_name = "videos/1/t0k3n/master.m3u8"
    video.mp4_name = "videos/1/t0k3n/fallback.mp4"
    video.save()
    lesson = story_lesson(video=video, start=5, end=20)

    html = client.get(lesson.url).content.decode()

    assert 'preload="none"' in html
    assert 'data-start="5" data-end="20"' in html
    # Signed for this learner's session (media.delivery).
    assert re.search(r'src="/play/[^"/]+/fallback\.mp4#t=5,20" type="video/mp4"', html)
    assert re.search(r'data-hls="/play/[^"/]+/master\.m3u8"', html)


def test_a_video_still_transcoding_shows_a_notice_instead_of_a_player(client, worker):
    lesson = story_lesson(video=video_row(status="processing"))

    html = client.get(lesson.url).content.decode()

    assert "<video" not in html
    assert "视频还在处理" in html


def test_trainer_preview_of_an_unsaved_lesson_renders():
    # Wagtail's "preview before first save": the page has a tree path, no pk.
    course = CoursePageFactory()
    draft = LessonPage(title="草稿", slug="draft", script=story_script())
    draft.depth = course.depth + 1
    draft.path = draft._get_path(course.path, draft.depth, course.numchild + 1)

    response = draft.make_preview_request()

    assert response.status_code == 200
    assert "楼道里堆满了东西,谁来管?" in response.content.decode()


def test_trainer_preview_carries_each_options_outcome_and_posts_nowhere():
    lesson = story_lesson()

    html = lesson.make_preview_request().content.decode()

    assert "data-decision-url" not in html and "lesson-decisions" not in html
    branches = html.split("<template data-preview-branch=")[1:]
    assert len(branches) == 2
    assert BEST_CONSEQUENCE in branches[0] and "楼组议事会" in branches[0]
    assert POOR_CONSEQUENCE in branches[1] and "第二天,杂物又出现了。" in branches[1]
    assert not DecisionChoice.objects.exists()


def test_trainer_preview_of_an_unsaved_course_renders():
    index = course_index()
    draft = CoursePage(title="新课程", slug="new-course")
    draft.depth = index.depth + 1
    draft.path = draft._get_path(index.path, draft.depth, index.numchild + 1)

    response = draft.make_preview_request()

    assert response.status_code == 200


def test_home_topic_cards_link_to_the_filtered_catalogue(client, worker):
    law = Topic.objects.get(slug="rule-of-law")
    LessonPageFactory(title="明园大楼的电梯", topic=law)

    html = client.get(learning_home().url).content.decode()

    assert f'class="topic-card" href="{course_index().url}?topic=rule-of-law"' in html
    assert html.count("明园大楼的电梯") == 1  # under 最新微课 only, not again by topic


def test_home_does_not_repeat_the_brand_as_a_visible_heading(client, worker):
    html = client.get(learning_home().url).content.decode()

    assert '<h1 class="visually-hidden">' in html


def test_home_lesson_card_shows_a_small_lazy_picture(client, worker):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    cover = Image.objects.create(title="封面", file=get_test_image_file())
    LessonPageFactory(parent=CoursePageFactory(cover=cover), title="有封面的课")

    html = client.get(learning_home().url).content.decode()

    card = html.split("有封面的课")[0].rsplit("<li>", 1)[1]
    assert 'loading="lazy"' in card
    assert 'width="240"' in card and 'height="135"' in card
    assert ".webp" in card
