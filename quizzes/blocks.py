"""The quiz block a trainer places in a story script (lessons.blocks.script_blocks)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class QuizBlock(blocks.StructBlock):
    quiz = SnippetChooserBlock("quizzes.Quiz", label=_("测验"))
    heading = blocks.CharBlock(
        label=_("标题"), required=False, max_length=60, default=_("课后小测")
    )

    class Meta:
        icon = "circle-check"
        label = _("测验")
        template = "quizzes/blocks/quiz.html"
