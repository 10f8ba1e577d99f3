"""A long lesson page stays within 50 KB of compressed HTML, CSS and JS before play.

Weighed as served: the HTML from the view, then every stylesheet and script it
references, each gzipped at level 6 (production compresses them; the test server
does not). hls.js is not among them: the player fetches it when play is pressed.
"""

import gzip
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from lessons.blocks import Rating
from lessons.decisions import decision_record
from lessons.models import Character
from tests.factories import learner
from tests.lessons.factories import (
    CharacterFactory,
    LessonPageFactory,
    Script,
    option,
    video_row,
)

pytestmark = pytest.mark.django_db

BUDGET = 50 * 1024
ASSET_RE = re.compile(
    r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="(?P<url>[^"]+)"'
)


def long_lesson():
    """About a 15-minute lesson: 6 scenes, 96 lines, 6 decisions, 2 videos."""
    people = [
        CharacterFactory(name=name, role=role)
        for name, role in [
            ("王阿姨", Character.Role.RESIDENT),
            ("李经理", Character.Role.PROPERTY_MANAGER),
            ("陈主任", Character.Role.OWNERS_COMMITTEE_CHAIR),
            ("小周", Character.Role.SOCIAL_WORKER),
        ]
    ]
    script = Script()
    for scene in range(6):
        script.scene(
            f"scene-{scene}", f"第{scene + 1}幕:明园大楼的电梯", setting="一楼大厅"
        )
        if scene in (0, 3):
            script.video(video_row(status="ready"))
        for line in range(16):
            script.dialogue(
                people[line % 4],
                "电梯更换的费用到底该怎么分摊,大家各有各的道理,我们今天坐下来好好谈一谈。",
            )
        script.decision(
            "这时你会怎么做?",
            [
                option("请法治专员上门走访", rating=Rating.BEST),
                option("先把业委会和物业叫到一起开座谈会"),
                option("等居民自己商量出结果", rating=Rating.POOR),
            ],
        )
    script.key_points(["组先议", "小区续议", "三委再议"]).practice(
        "回到小区试一试", "找一件楼组里的烦心事,按三轮议事法则走一遍。"
    )
    return LessonPageFactory(script=script.build(), title="明园大楼加装电梯")


def asset_bytes(url: str) -> bytes:
    assert url.startswith(settings.STATIC_URL), url
    path = finders.find(url.removeprefix(settings.STATIC_URL))
    assert path, f"{url} is not a static file"
    with open(path, "rb") as handle:
        return handle.read()


def test_long_lesson_page_is_within_50_kb_compressed_before_play(client):
    worker = learner()
    client.force_login(worker)
    lesson = long_lesson()
    # A learner at the end has the whole path on the page: the heaviest case.
    for block in lesson.script:
        if block.block_type == "decision":
            decision_record(
                user=worker, lesson=lesson, decision_id=block.id, option_index=1
            )

    html = client.get(lesson.url).content
    assets = ASSET_RE.findall(html.decode())
    bodies = [html, *(asset_bytes(url) for url in assets)]
    compressed = sum(len(gzip.compress(body, compresslevel=6)) for body in bodies)

    assert any(url.endswith("player.js") for url in assets)
    assert any(url.endswith("lessons.css") for url in assets)
    assert not any("hls" in url for url in assets)
    assert compressed <= BUDGET, f"{compressed} bytes gzipped: {assets}"
