"""A trainer writes lessons in the Wagtail admin, without touching code."""

import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from lessons.models import LessonPage
from tests.factories import trainer
from tests.lessons.factories import (
    CharacterFactory,
    CoursePageFactory,
    InstructorFactory,
    LessonPageFactory,
    Script,
    TopicFactory,
    rendition_row,
    video_row,
)

pytestmark = pytest.mark.django_db


def list_items(values):
    """A ListBlock's form data: count plus one value/deleted/order per item.

    Wagtail's form_data helpers cover StreamField (streamfield) but not ListBlock.
    """
    data = {
        str(i): {"value": value, "deleted": "", "order": str(i)}
        for i, value in enumerate(values)
    }
    data["count"] = str(len(values))
    return data


def scene(anchor, title):
    return ("scene", {"anchor": anchor, "title": title, "setting": "", "image": ""})


def decision(prompt, options):
    return (
        "decision",
        {
            "prompt": prompt,
            "options": list_items(
                [
                    {
                        "label": label,
                        "consequence": consequence,
                        "rating": rating,
                        "jump_to": jump_to,
                    }
                    for label, consequence, rating, jump_to in options
                ]
            ),
        },
    )


def lesson_form(*, title, slug, script, topic=None, instructors=()):
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "明园大楼电梯更换费用起了争执。",
            "topic": topic.pk if topic else "",
            "tags": "电梯, 调解",
            "script": streamfield(script),
            "comments": inline_formset([]),
        }
    )
    # A multiple-choice field posts the same key once per choice.
    data["instructors"] = [instructor.pk for instructor in instructors]
    return data


def branching_script(speaker):
    return [
        scene("start", "电梯又坏了"),
        ("narration", {"text": "明园大楼的电梯已经用了三十年。"}),
        ("dialogue", {"speaker": speaker.pk, "line": "换电梯的钱凭什么要我们出？"}),
        decision(
            "作为法治专员，你先做什么？",
            [
                ("上门走访", "居民愿意说出顾虑。", "best", "visits"),
                ("直接开大会", "会上吵成一团。", "poor", "meeting"),
            ],
        ),
        scene("visits", "逐户走访"),
        ("narration", {"text": "你听到了每一户的难处。"}),
        scene("meeting", "吵成一团的大会"),
        (
            "key_points",
            {"title": "要点", "points": list_items(["先听后议", "依法说明"])},
        ),
        ("practice", {"title": "试一试", "instructions": "走访楼里三户人家。"}),
    ]


def post_new_lesson(client, course, data):
    url = reverse("wagtailadmin_pages:add", args=("lessons", "lessonpage", course.pk))
    return client.post(url, data)


@pytest.fixture
def trainer_client(client):
    client.force_login(trainer())
    return client


def test_trainer_builds_a_branching_lesson_in_the_admin(trainer_client):
    course = CoursePageFactory()
    speaker = CharacterFactory(name="李老伯")
    lawyer = InstructorFactory(name="周律师")
    topic = TopicFactory(name="法治", slug="rule-of-law")
    data = lesson_form(
        title="明园大楼换电梯",
        slug="lift",
        script=branching_script(speaker),
        topic=topic,
        instructors=[lawyer],
    )
    data["action-publish"] = "publish"
    response = post_new_lesson(trainer_client, course, data)

    assert response.status_code == 302, response.context["form"].errors
    lesson = LessonPage.objects.get(slug="lift")
    assert lesson.live and lesson.get_parent().specific == course
    assert [child.block_type for child in lesson.script][:4] == [
        "scene", "narration", "dialogue", "decision"
    ]  # fmt: skip
    options = lesson.script[3].value["options"]
    assert [o["jump_to"] for o in options] == ["visits", "meeting"]
    assert lesson.script[2].value["speaker"] == speaker
    assert list(lesson.instructors.all()) == [lawyer]
    assert lesson.topic == topic
    assert set(lesson.tags.names()) == {"调解", "电梯"}


def test_a_jump_to_a_missing_scene_is_refused_with_a_clear_message(trainer_client):
    course = CoursePageFactory()
    speaker = CharacterFactory()
    script = [
        scene("round-1", "组先议"),
        ("dialogue", {"speaker": speaker.pk, "line": "先听听大家怎么说。"}),
        decision(
            "接下来？",
            [
                ("召开议事会", "三委再议。", "best", "round-3"),
                ("等等再说", "矛盾升级。", "poor", ""),
            ],
        ),
    ]
    data = lesson_form(title="三轮议事", slug="three-rounds", script=script)
    data["action-publish"] = "publish"
    response = post_new_lesson(trainer_client, course, data)

    assert response.status_code == 200
    assert not LessonPage.objects.filter(slug="three-rounds").exists()
    error = response.context["form"].errors.as_data()["script"][0]
    assert [str(m) for m in error.non_block_errors] == [
        "选项「召开议事会」跳转的场景「round-3」不存在。本课的场景：round-1"
    ]
    # The editor's script widget receives the message (JSON for its error list).
    message_json = json.dumps(
        "选项「召开议事会」跳转的场景「round-3」不存在。本课的场景：round-1"
    )
    assert message_json[1:-1] in response.content.decode()
    option_error = error.block_errors[2].block_errors["options"].block_errors[0]
    assert option_error.block_errors["jump_to"].messages == [
        "选项「召开议事会」跳转的场景「round-3」不存在。本课的场景：round-1"
    ]


def test_a_broken_jump_is_refused_on_a_draft_save_too(trainer_client):
    course = CoursePageFactory()
    script = [
        scene("start", "开始"),
        decision(
            "?", [("去", "好", "best", "nowhere"), ("留", "也行", "acceptable", "")]
        ),
    ]
    response = post_new_lesson(
        trainer_client, course, lesson_form(title="草稿", slug="draft", script=script)
    )
    assert response.status_code == 200
    assert not LessonPage.objects.filter(slug="draft").exists()


def test_edit_view_shows_minutes_and_data_cost(trainer_client):
    video = video_row(duration=125)
    rendition_row(video, "360p", bandwidth=200_000, size_bytes=2_500_000)
    lesson = LessonPageFactory(script=Script().video(video).build())
    response = trainer_client.get(reverse("wagtailadmin_pages:edit", args=(lesson.pk,)))
    html = response.content.decode()
    assert "data-lesson-estimate" in html
    assert "3 分钟" in html
    assert "125 秒" in html
    # A 125 s video streams: 2.5 MB of 360p and hls.js (about 0.12 MB).
    assert "2.6 MB" in html


def test_saving_a_long_lesson_warns_but_saves(trainer_client):
    video = video_row(duration=11 * 60)
    lesson = LessonPageFactory(script=Script().scene("start", "开始").build())
    data = lesson_form(
        title=lesson.title,
        slug=lesson.slug,
        script=[
            scene("start", "开始"),
            ("video", {"video": video.pk, "start": "", "end": ""}),
        ],
    )
    response = trainer_client.post(
        reverse("wagtailadmin_pages:edit", args=(lesson.pk,)), data
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    draft = lesson.get_latest_revision_as_object()
    assert draft.script[1].value["video"] == video
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("超过了 10 分钟" in m for m in warnings)


def test_a_short_lesson_saves_without_the_length_warning(trainer_client):
    lesson = LessonPageFactory(script=Script().scene("start", "开始").build())
    data = lesson_form(
        title=lesson.title, slug=lesson.slug, script=[scene("start", "开始")]
    )
    response = trainer_client.post(
        reverse("wagtailadmin_pages:edit", args=(lesson.pk,)), data
    )
    assert response.status_code == 302
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert not any("分钟" in m for m in warnings)


def test_lesson_preview_opens_at_phone_width():
    lesson = LessonPageFactory()
    sizes = {size["name"]: size["device_width"] for size in lesson.preview_sizes}
    assert sizes[lesson.default_preview_size] == 360


def test_instructor_snippets_filter_by_type(trainer_client):
    InstructorFactory(name="规划师甲", type="community_planner")
    InstructorFactory(name="法治专员乙", type="legal_commissioner")
    response = trainer_client.get(
        reverse("wagtailsnippets_lessons_instructor:list"),
        {"type": "legal_commissioner"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "法治专员乙" in html and "规划师甲" not in html


def test_topics_are_seeded_with_the_district_taxonomy():
    from lessons.models import Topic

    names = set(Topic.objects.values_list("name", flat=True))
    assert {
        "楼栋微整治", "空间微改造", "景观微更新", "微规约", "微课堂", "微公益",
        "议事协商", "法治", "社区规划", "志愿服务", "资金筹集",
    } <= names  # fmt: skip


def test_instructor_search_matches_part_of_a_chinese_name(trainer_client):
    InstructorFactory(name="周敏", type="legal_commissioner")
    InstructorFactory(name="林晓", type="community_planner")
    response = trainer_client.get(
        reverse("wagtailsnippets_lessons_instructor:list"), {"q": "周"}
    )
    html = response.content.decode()
    assert "周敏" in html and "林晓" not in html


def test_trainer_creates_a_course_with_target_positions(trainer_client):
    from lessons.models import CoursePage
    from tests.lessons.factories import course_index

    index = course_index()
    planner = InstructorFactory(name="林晓")
    data = nested_form_data(
        {
            "title": "三微治理",
            "slug": "san-wei",
            "summary": "六个杨浦故事。",
            "topic": TopicFactory(name="微课堂", slug="micro-classroom").pk,
            "tags": "杨浦",
            "cover": "",
            "comments": inline_formset([]),
        }
    )
    data["target_positions"] = ["social_worker", "building_leader"]
    data["instructors"] = [planner.pk]
    data["action-publish"] = "publish"
    response = trainer_client.post(
        reverse("wagtailadmin_pages:add", args=("lessons", "coursepage", index.pk)),
        data,
    )
    assert response.status_code == 302, response.context["form"].errors
    course = CoursePage.objects.get(slug="san-wei")
    assert course.target_positions == ["social_worker", "building_leader"]
    assert course.get_target_positions_display() == ["社工", "楼组长"]
    assert list(course.instructors.all()) == [planner]


def test_an_unknown_target_position_is_refused(trainer_client):
    from tests.lessons.factories import course_index

    index = course_index()
    data = nested_form_data(
        {
            "title": "课程",
            "slug": "course-x",
            "summary": "",
            "topic": "",
            "tags": "",
            "cover": "",
            "comments": inline_formset([]),
        }
    )
    data["target_positions"] = ["astronaut"]
    response = trainer_client.post(
        reverse("wagtailadmin_pages:add", args=("lessons", "coursepage", index.pk)),
        data,
    )
    assert response.status_code == 200
    assert "target_positions" in response.context["form"].errors


def test_character_chooser_finds_speakers_by_part_of_the_name_and_role(
    trainer_client,
):
    CharacterFactory(name="张阿姨", role="building_leader")
    CharacterFactory(name="赵阿姨", role="resident")
    CharacterFactory(name="周律师", role="legal_commissioner")
    url = reverse("wagtailsnippetchoosers_lessons_character:choose_results")

    by_name = trainer_client.get(url, {"q": "阿姨"}).content.decode()
    assert "张阿姨" in by_name and "赵阿姨" in by_name and "周律师" not in by_name
    by_role = trainer_client.get(
        url, {"q": "阿姨", "role": "building_leader"}
    ).content.decode()
    assert "张阿姨" in by_role and "赵阿姨" not in by_role


def test_character_chooser_modal_offers_the_role_filter(trainer_client):
    response = trainer_client.get(
        reverse("wagtailsnippetchoosers_lessons_character:choose")
    )
    assert response.status_code == 200
    html = response.json()["html"]
    assert 'name="role"' in html and "楼组长" in html
