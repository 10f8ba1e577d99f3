"""Demo course content, drawn from the district's account of 三微治理 (see
/work/shared/seed): each module holds one story lesson in a compact notation
that lessons.demo turns into a script.

Script steps:
    ("scene", anchor, title, setting)
    ("narration", text)
    ("say", character_key, line)
    ("decision", prompt, [(label, consequence, rating, jump_to), ...])
    ("video",)                      the lesson's generated demo video
    ("key_points", [point, ...])
    ("practice", title, instructions)
"""

from __future__ import annotations

from dataclasses import dataclass

from . import (
    deliberation,
    lift,
    living_room,
    parking,
    stairwell,
    yuanyuan,
)


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    summary: str
    topic: str
    tags: list[str]
    instructors: list[str]
    colour: str
    caption_lines: list[str]
    characters: dict[str, tuple[str, str]]
    script: list[tuple]


COURSE = {
    "slug": "san-wei-zhi-li",
    "title": "三微治理",
    "summary": (
        "杨浦区首创的“三微治理”社区工作法：楼栋微整治、空间微改造、景观微更新，"
        "微规约、微课堂、微公益。六个来自杨浦居民区的真实故事，"
        "每节十分钟以内，在手机上就能学完。"
    ),
    "topic": "微课堂",
    "tags": ["三微治理", "杨浦", "案例"],
    "instructors": ["planner", "lawyer", "secretary"],
    "target_positions": [
        "party_secretary",
        "committee_director",
        "social_worker",
        "building_leader",
    ],
}

INSTRUCTORS = {
    "planner": {
        "name": "林晓",
        "type": "community_planner",
        "bio": "杨浦区社区规划师，2018 年起驻点街道，"
        "陪伴居民区完成二十多个公共空间微更新项目。",
    },
    "lawyer": {
        "name": "周敏",
        "type": "legal_commissioner",
        "bio": "社区法治专员、执业律师，由区司法局购买服务派驻居民区，"
        "擅长物业与业委会纠纷的调解。",
    },
    "secretary": {
        "name": "陈红",
        "type": "neighbourhood_leader",
        "bio": "居民区党总支书记，做了十五年社区工作，推动过多个楼组自治项目。",
    },
    "organisation": {
        "name": "营造社",
        "type": "social_organisation",
        "bio": "扎根杨浦的社区社会组织，专做楼道美化和小区微景观改造。",
    },
    "scholar": {
        "name": "王立群",
        "type": "scholar",
        "bio": "高校社会学教授，研究城市基层治理与居民参与。",
    },
    "social_worker": {
        "name": "顾佳",
        "type": "frontline_social_worker",
        "bio": "一线社工，负责楼组长培训和志愿者队伍建设。",
    },
}

LESSONS = [
    Lesson(**module.LESSON)
    for module in (stairwell, deliberation, yuanyuan, lift, parking, living_room)
]
