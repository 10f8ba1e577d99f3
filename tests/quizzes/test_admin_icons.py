"""Every icon the quizzes admin names is in Wagtail's icon sprite (a name it lacks,
such as "tick", leaves the menu item and the block chooser with no icon)."""

import re

from wagtail.admin.icons import get_icons

from quizzes.blocks import QuizBlock
from quizzes.wagtail_hooks import QuizGroup


def test_quiz_menu_viewsets_and_block_use_existing_icons():
    sprite = set(re.findall(r'<symbol id="icon-([\w-]+)"', get_icons()))
    used = {QuizGroup.menu_icon, QuizBlock().meta.icon}
    used |= {viewset.icon for viewset in QuizGroup.items}
    assert used - sprite == set()
