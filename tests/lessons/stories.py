"""A small branching story lesson used by the page, API and browser tests."""

from __future__ import annotations

from lessons.blocks import Rating
from lessons.models import Character, LessonPage
from tests.lessons.factories import CharacterFactory, LessonPageFactory, Script, option

BEST_CONSEQUENCE = "居民们愿意坐下来谈,楼组长主动认领了整理杂物的任务。"
POOR_CONSEQUENCE = "有人不高兴,第二天东西又堆回了楼道。"


def story_script(*, video=None, start=None, end=None) -> list[dict]:
    resident = CharacterFactory(name="王阿姨", role=Character.Role.RESIDENT)
    worker = CharacterFactory(name="小李", role=Character.Role.SOCIAL_WORKER)
    script = Script().scene("stairwell", "楼道里的杂物", setting="明园大楼三楼")
    if video is not None:
        script = script.video(video, start=start, end=end)
    return (
        script.dialogue(resident, "楼道里堆满了东西,谁来管?")
        .dialogue(worker, "王阿姨,我们一起商量个办法。")
        .decision(
            "你会怎么做?",
            [
                option(
                    "召集楼组会议",
                    consequence=BEST_CONSEQUENCE,
                    rating=Rating.BEST,
                    jump_to="meeting",
                ),
                option(
                    "自己动手清理", consequence=POOR_CONSEQUENCE, rating=Rating.POOR
                ),
            ],
        )
        .narration("第二天,杂物又出现了。")
        .scene("meeting", "楼组议事会")
        .key_points(["组先议,小区续议,三委再议"])
        .build()
    )


def story_lesson(*, video=None, start=None, end=None, **fields) -> LessonPage:
    return LessonPageFactory(
        script=story_script(video=video, start=start, end=end), **fields
    )


def decision_id_of(lesson: LessonPage) -> str:
    return next(block.id for block in lesson.script if block.block_type == "decision")
