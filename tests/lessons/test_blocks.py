import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from lessons.blocks import DecisionBlock, LessonScriptBlock, VideoBlock, script_blocks
from lessons.models import LessonPage
from tests.lessons.factories import (
    CharacterFactory,
    LessonPageFactory,
    Script,
    option,
    video_row,
)

pytestmark = pytest.mark.django_db


def script_value(raw):
    block = LessonScriptBlock(script_blocks())
    return block, block.to_python(raw)


def test_decision_refuses_a_single_option():
    block = DecisionBlock()
    value = block.to_python({"prompt": "怎么办？", "options": [option("只有一个选项")]})
    with pytest.raises(ValidationError):
        block.clean(value)


def test_decision_refuses_five_options():
    block = DecisionBlock()
    value = block.to_python(
        {"prompt": "怎么办？", "options": [option(f"选项{i}") for i in range(5)]}
    )
    with pytest.raises(ValidationError):
        block.clean(value)


def test_decision_accepts_two_to_four_options():
    block = DecisionBlock()
    for count in (2, 4):
        value = block.to_python(
            {
                "prompt": "怎么办？",
                "options": [option(f"选项{i}") for i in range(count)],
            }
        )
        assert len(block.clean(value)["options"]) == count


def test_script_accepts_a_jump_to_an_existing_scene():
    raw = (
        Script()
        .scene("start", "楼道里")
        .decision("怎么办？", [option("开会", jump_to="meeting"), option("等等看")])
        .scene("meeting", "议事会")
        .build()
    )
    block, value = script_value(raw)
    assert len(block.clean(value)) == 3


def test_script_refuses_a_jump_to_a_missing_scene_naming_option_and_scene():
    raw = (
        Script()
        .scene("start", "楼道里")
        .decision("怎么办？", [option("召开议事会", jump_to="round-3"), option("等")])
        .build()
    )
    block, value = script_value(raw)
    with pytest.raises(StreamBlockValidationError) as caught:
        block.clean(value)
    messages = [str(m) for m in caught.value.non_block_errors]
    assert messages == [
        "选项「召开议事会」跳转的场景「round-3」不存在。本课的场景：start"
    ]
    decision_error = caught.value.block_errors[1]
    jump_error = decision_error.block_errors["options"].block_errors[0]
    assert "round-3" in jump_error.block_errors["jump_to"].messages[0]


def test_script_refuses_two_scenes_with_the_same_anchor():
    raw = Script().scene("start", "一").scene("start", "二").build()
    block, value = script_value(raw)
    with pytest.raises(StreamBlockValidationError) as caught:
        block.clean(value)
    assert 1 in caught.value.block_errors


def test_video_block_refuses_end_before_start():
    block = VideoBlock()
    video = video_row(duration=60)
    with pytest.raises(StructBlockValidationError) as caught:
        block.clean(block.to_python({"video": video.pk, "start": 10, "end": 5}))
    assert set(caught.value.block_errors) == {"end"}


def test_video_block_accepts_a_clip_inside_the_video():
    block = VideoBlock()
    video = video_row(duration=60)
    value = block.clean(block.to_python({"video": video.pk, "start": 5, "end": 10}))
    assert (value["video"], value["start"], value["end"]) == (video, 5, 10)


def test_video_block_refuses_a_start_past_the_end_of_the_video():
    block = VideoBlock()
    video = video_row(duration=30)
    with pytest.raises(StructBlockValidationError) as caught:
        block.clean(block.to_python({"video": video.pk, "start": 30, "end": None}))
    assert caught.value.block_errors["start"].messages == ["视频只有 30 秒。"]


def test_video_block_refuses_an_end_past_the_end_of_the_video():
    block = VideoBlock()
    video = video_row(duration=30)
    with pytest.raises(StructBlockValidationError) as caught:
        block.clean(block.to_python({"video": video.pk, "start": 0, "end": 45}))
    assert set(caught.value.block_errors) == {"end"}


def test_saving_a_lesson_with_a_broken_jump_is_refused_outside_the_admin():
    resident = CharacterFactory()
    lesson = LessonPageFactory(
        script=Script().scene("start", "楼道里").dialogue(resident, "谁来管？").build()
    )
    lesson.script = (
        Script()
        .scene("start", "楼道里")
        .decision("怎么办？", [option("召开议事会", jump_to="round-3"), option("等")])
        .build()
    )
    with pytest.raises(ValidationError) as caught:
        lesson.save()
    assert caught.value.message_dict["script"] == [
        "选项「召开议事会」跳转的场景「round-3」不存在。本课的场景：start"
    ]
    assert LessonPage.objects.get(pk=lesson.pk).script[0].value["anchor"] == "start"


def test_a_broken_jump_names_the_scenes_the_lesson_has():
    raw = (
        Script()
        .scene("start", "楼道里")
        .decision("怎么办？", [option("开会", jump_to="meting"), option("等")])
        .scene("meeting", "议事会")
        .build()
    )
    block, value = script_value(raw)
    with pytest.raises(StreamBlockValidationError) as caught:
        block.clean(value)
    assert [str(m) for m in caught.value.non_block_errors] == [
        "选项「开会」跳转的场景「meting」不存在。本课的场景：start、meeting"
    ]


def test_the_jump_field_renders_as_the_scene_select_widget():
    option_block = DecisionBlock().child_blocks["options"].child_block
    widget = option_block.child_blocks["jump_to"].field.widget
    html = widget.render("jump", "meeting", attrs={"id": "jump"})
    assert "data-scene-jump" in html
    assert 'value="meeting"' in html
    assert "lessons/admin/scene-jump.js" in str(widget.media)


def test_a_saved_jump_to_an_existing_scene_stays_valid():
    # Scripts saved before the select keep their scene names as they are.
    raw = (
        Script()
        .scene("round-1", "组先议")
        .decision("接下来？", [option("再议", jump_to="round-1"), option("等")])
        .build()
    )
    block, value = script_value(raw)
    cleaned = block.clean(value)
    assert cleaned[1].value["options"][0]["jump_to"] == "round-1"
