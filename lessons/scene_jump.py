"""The decision option's 跳转到场景: a choice among the lesson's scenes.

The value stays a scene name (a string, as every saved script already holds), so
existing data is valid unchanged; the editor shows a select of the scenes the
script has at that moment (scenes are added and renamed while writing, so the
choices are read from the form when the select opens), and saving refuses a name
that is not a scene (blocks.jump_target_errors names the valid ones).
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class SceneJumpInput(forms.TextInput):
    """A text input that lessons/admin/scene-jump.js turns into a select."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "data-scene-jump": "",
                "data-scene-jump-none": _("不跳转（接着往下）"),
                "data-scene-jump-missing": _("（这个场景不存在，请重新选择）"),
                **(attrs or {}),
            }
        )

    @property
    def media(self):
        return forms.Media(js=["lessons/admin/scene-jump.js"])


class SceneJumpBlock(blocks.CharBlock):
    """A scene name, chosen from the script's scenes in the editor."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.field.widget = SceneJumpInput(
            attrs={"maxlength": self.field.max_length}
            if self.field.max_length
            else None
        )
