"""The blocks a trainer combines into a lesson's story script.

A script is a stream of scenes, narration, dialogue, decisions, videos, key
points and a practice task. Decisions may jump to a named scene, so a story can
branch; the script block refuses a jump to a scene that does not exist.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock
from wagtailmedia.blocks import VideoChooserBlock

from lessons.scene_jump import SceneJumpBlock


class Rating(models.TextChoices):
    """How good a decision option is; shown to the learner after choosing."""

    BEST = "best", _("最佳")
    ACCEPTABLE = "acceptable", _("可接受")
    POOR = "poor", _("欠妥")


class SceneBlock(blocks.StructBlock):
    anchor = blocks.CharBlock(
        label=_("场景名"),
        max_length=64,
        validators=[validate_unicode_slug],
        help_text=_("字母、数字、汉字、连字符或下划线，决策选项用它跳转到本场景。"),
    )
    title = blocks.CharBlock(label=_("标题"), max_length=120)
    setting = blocks.TextBlock(label=_("场景说明"), required=False)
    image = ImageChooserBlock(label=_("图片"), required=False)

    class Meta:
        icon = "image"
        label = _("场景")
        template = "lessons/blocks/scene.html"


class NarrationBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("旁白"))

    class Meta:
        icon = "openquote"
        label = _("旁白")
        template = "lessons/blocks/narration.html"


class DialogueBlock(blocks.StructBlock):
    speaker = SnippetChooserBlock("lessons.Character", label=_("说话人"))
    line = blocks.TextBlock(label=_("台词"))

    class Meta:
        icon = "comment"
        label = _("对白")
        template = "lessons/blocks/dialogue.html"


class DecisionOptionBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("选项"), max_length=120)
    consequence = blocks.TextBlock(label=_("选择后的结果"))
    rating = blocks.ChoiceBlock(
        label=_("评价"), choices=Rating.choices, default=Rating.ACCEPTABLE
    )
    jump_to = SceneJumpBlock(
        label=_("跳转到场景"),
        required=False,
        max_length=64,
        help_text=_("可选：选择本课的一个场景，选了这个选项后故事从那里继续。"),
    )

    class Meta:
        icon = "radio-full"
        label = _("选项")


class DecisionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("情境提问"))
    options = blocks.ListBlock(
        DecisionOptionBlock(), min_num=2, max_num=4, label=_("选项")
    )
    competency = SnippetChooserBlock(
        "quizzes.Competency",
        label=_("能力标签"),
        required=False,
        help_text=_(
            "可选：作为情境判断题计入该能力的掌握度（第一次选择：最佳 1 分，"
            "可接受 0.5 分，欠妥 0 分）。"
        ),
    )

    class Meta:
        icon = "help"
        label = _("决策点")
        template = "lessons/blocks/decision.html"


class VideoBlock(blocks.StructBlock):
    video = VideoChooserBlock(label=_("视频"))
    start = blocks.IntegerBlock(label=_("开始（秒）"), required=False, min_value=0)
    end = blocks.IntegerBlock(label=_("结束（秒）"), required=False, min_value=1)

    class Meta:
        icon = "media"
        label = _("视频")
        template = "lessons/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        start, end = value.get("start"), value.get("end")
        errors = {}
        if start is not None and end is not None and end <= start:
            errors["end"] = ValidationError(_("结束时间必须晚于开始时间。"))
        # A video still being probed has no duration yet; it is checked next save.
        duration = getattr(value.get("video"), "duration", None) or 0
        if duration:
            limit = _("视频只有 %(seconds)d 秒。") % {"seconds": int(duration)}
            if start is not None and start >= duration:
                errors["start"] = ValidationError(limit)
            if end is not None and end > duration + 1 and "end" not in errors:
                errors["end"] = ValidationError(limit)
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class KeyPointsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("标题"), default=_("要点"), max_length=60)
    points = blocks.ListBlock(blocks.CharBlock(label=_("要点")), label=_("要点"))

    class Meta:
        icon = "list-ul"
        label = _("要点")
        template = "lessons/blocks/key_points.html"


class PracticeTaskBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("标题"), max_length=120)
    instructions = blocks.TextBlock(
        label=_("任务说明"), help_text=_("在学员自己的小区里可以尝试的一件事。")
    )

    class Meta:
        icon = "tick-inverse"
        label = _("实践任务")
        template = "lessons/blocks/practice.html"


def script_blocks() -> list[tuple[str, blocks.Block]]:
    """The script's block types; the quiz block comes from the quizzes app."""
    from quizzes.blocks import QuizBlock

    return [
        ("scene", SceneBlock()),
        ("narration", NarrationBlock()),
        ("dialogue", DialogueBlock()),
        ("decision", DecisionBlock()),
        ("video", VideoBlock()),
        ("key_points", KeyPointsBlock()),
        ("practice", PracticeTaskBlock()),
        ("quiz", QuizBlock()),
    ]


def jump_target_errors(stream) -> dict[int, dict[int, str]]:
    """Broken jumps by stream index, then option index, with a message for each.

    Works on a StreamValue or a list of (block_type, value) pairs, so the page
    model can run the same check on programmatic saves.
    """
    children = [
        (child.block_type, child.value) if hasattr(child, "block_type") else child
        for child in stream
    ]
    anchors = {value["anchor"] for kind, value in children if kind == "scene"}
    valid = "、".join(
        value["anchor"] for kind, value in children if kind == "scene"
    ) or _("（还没有场景）")
    errors: dict[int, dict[int, str]] = {}
    for index, (kind, value) in enumerate(children):
        if kind != "decision":
            continue
        for option_index, option in enumerate(value["options"]):
            target = (option.get("jump_to") or "").strip()
            if target and target not in anchors:
                errors.setdefault(index, {})[option_index] = _(
                    "选项「%(option)s」跳转的场景「%(scene)s」不存在。"
                    "本课的场景：%(scenes)s"
                ) % {"option": option.get("label"), "scene": target, "scenes": valid}
    return errors


def duplicate_anchor_errors(stream) -> dict[int, str]:
    """Scenes whose anchor repeats an earlier one: a jump there would be ambiguous."""
    seen: set[str] = set()
    errors: dict[int, str] = {}
    for index, child in enumerate(stream):
        kind, value = (
            (child.block_type, child.value) if hasattr(child, "block_type") else child
        )
        if kind != "scene":
            continue
        if value["anchor"] in seen:
            errors[index] = _("场景名「%(scene)s」重复，跳转目标必须唯一") % {
                "scene": value["anchor"]
            }
        seen.add(value["anchor"])
    return errors


class LessonScriptBlock(blocks.StreamBlock):
    """The whole script; checks what no single block can see: jump targets."""

    class Meta:
        label = _("故事脚本")

    def clean(self, value):
        value = super().clean(value)
        block_errors = {}
        for index, message in duplicate_anchor_errors(value).items():
            block_errors[index] = StructBlockValidationError(
                block_errors={"anchor": ValidationError(message)}
            )
        jumps = jump_target_errors(value)
        for index, options in jumps.items():
            block_errors[index] = StructBlockValidationError(
                block_errors={
                    "options": ListBlockValidationError(
                        block_errors={
                            option_index: StructBlockValidationError(
                                block_errors={"jump_to": ValidationError(message)}
                            )
                            for option_index, message in options.items()
                        }
                    )
                }
            )
        if block_errors:
            # The summary on top names every broken jump, so a trainer scrolling a
            # long script sees them without hunting for the red fields.
            summary = [
                ValidationError(message)
                for options in jumps.values()
                for message in options.values()
            ] + [
                ValidationError(message)
                for message in duplicate_anchor_errors(value).values()
            ]
            raise blocks.StreamBlockValidationError(
                block_errors=block_errors, non_block_errors=summary
            )
        return value
