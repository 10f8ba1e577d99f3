"""The Yangpu demo: org tree, demo people and their logins, defined in one place.

`seed_demo` builds it (idempotently); `demo_logins` prints DEMO_LOGINS, and the
README lists the same table. The places come from the district's own account of
its micro-governance work (五环居民区's 缘圆议事会, 大桥街道 明丰苑's parking compact,
平凉路街道 明园大楼's lift dispute).
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from cms.models import OrgUnit, Profile
from cms.roles import LEARNERS, SUPERVISORS, TRAINERS

DEMO_PASSWORD = "weiketang-demo"
DISTRICT = ("yangpu", "杨浦区")
# street code, street name, [(neighbourhood code, name), ...]
STREETS = (
    (
        "jiangpu",
        "江浦路街道",
        (
            ("jiangpu-wuhuan", "五环居民区"),
            ("jiangpu-dahushan", "打虎山路第一居民区"),
            ("jiangpu-fengnan", "凤南一村居民区"),
        ),
    ),
    (
        "wujiaochang",
        "五角场街道",
        (
            ("wujiaochang-guoding", "国定路第一居民区"),
            ("wujiaochang-zhengmin", "政民路居民区"),
            ("wujiaochang-xiangyin", "翔殷路居民区"),
        ),
    ),
    (
        "pingliang",
        "平凉路街道",
        (
            ("pingliang-mingyuan", "明园大楼"),
            ("pingliang-meizhou", "眉州路居民区"),
            ("pingliang-xikuai", "平凉西块居民区"),
        ),
    ),
    (
        "daqiao",
        "大桥街道",
        (
            ("daqiao-mingfeng", "明丰苑"),
            ("daqiao-changyang", "长阳路居民区"),
            ("daqiao-xuchang", "许昌路居民区"),
        ),
    ),
    (
        "xinjiangwan",
        "新江湾城街道",
        (
            ("xinjiangwan-shidai", "时代花园居民区"),
            ("xinjiangwan-shangjing", "尚景园居民区"),
        ),
    ),
)
WORKER_NAMES = (
    "王丽华", "李建国", "张敏", "刘芳", "陈静", "杨帆", "赵雪梅", "黄志强",
    "周慧", "吴磊", "徐晓燕", "孙伟", "胡玉兰", "朱海峰", "高丽娟", "林涛",
    "何秀英", "郭峰", "马晓丽", "罗建华", "梁燕", "宋佳", "郑立新", "谢婷",
    "韩冬梅", "唐伟民", "冯娟", "于洋", "董秀珍", "萧文", "程琳", "曹建平",
    "袁芳", "邓超", "许红梅", "傅强", "沈丽萍", "曾华", "彭敏", "吕建军",
)  # fmt: skip
TRAINERS_DEMO = (("trainer1", "葛老师"), ("trainer2", "施老师"))

# The demo replays this many days of learning (quiz attempts, progress events).
DEMO_HISTORY_DAYS = 42
# Whoever the supervisors' at-risk list should show: inactive this long.
DEMO_INACTIVE_DAYS = 7
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    scope: str  # org unit code the person belongs to


def _worker_placements() -> list[tuple[str, str, str, str]]:
    """(username, name, neighbourhood code, position) for the ~40 demo workers.

    Each neighbourhood gets a party secretary, then a committee director, then
    social workers and building leaders, dealt out round-robin.
    """
    neighbourhoods = [code for _, _, units in STREETS for code, _ in units]
    seen: dict[str, int] = {}
    placements = []
    for index, name in enumerate(WORKER_NAMES):
        unit = neighbourhoods[index % len(neighbourhoods)]
        rank = seen[unit] = seen.get(unit, -1) + 1
        position = (
            Profile.Position.PARTY_SECRETARY,
            Profile.Position.COMMITTEE_DIRECTOR,
            Profile.Position.SOCIAL_WORKER,
        )[min(rank, 2)]
        if rank >= 2 and index % 3 == 0:
            position = Profile.Position.BUILDING_LEADER
        placements.append((f"worker{index + 1:02d}", name, unit, position))
    return placements


WORKERS = tuple(_worker_placements())
SUPERVISOR_NAMES = ("蒋文华", "钱卫东", "顾雅琴", "陆建明", "姚丽君", "潘志刚")
SUPERVISORS_DEMO = tuple(
    zip(
        ["sup_district"] + [f"sup_{code}" for code, _, _ in STREETS],
        SUPERVISOR_NAMES,
        [DISTRICT[0]] + [code for code, _, _ in STREETS],
        strict=True,
    )
)
UNIT_NAMES = {
    DISTRICT[0]: DISTRICT[1],
    **{code: name for code, name, _ in STREETS},
    **{code: name for _, _, units in STREETS for code, name in units},
}

DEMO_LOGINS: tuple[DemoLogin, ...] = (
    (DemoLogin("superuser", "admin", DEMO_PASSWORD, DISTRICT[0]),)
    + tuple(
        DemoLogin("supervisor", u, DEMO_PASSWORD, c) for u, _, c in SUPERVISORS_DEMO
    )
    + tuple(
        DemoLogin("trainer", u, DEMO_PASSWORD, DISTRICT[0]) for u, _ in TRAINERS_DEMO
    )
    + tuple(DemoLogin("learner", u, DEMO_PASSWORD, c) for u, _, c, _ in WORKERS)
)


def _phone(number: int) -> str:
    # 199 0000 xxxx: a real mobile prefix, in a block no district hands out.
    return f"1990000{number:04d}"


def seed_org_tree() -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    code, name = DISTRICT
    units[code] = _org_unit(code, name, OrgUnit.Level.DISTRICT, parent=None)
    for street_code, street_name, neighbourhoods in STREETS:
        street = _org_unit(
            street_code, street_name, OrgUnit.Level.STREET, parent=units[code]
        )
        units[street_code] = street
        for unit_code, unit_name in neighbourhoods:
            units[unit_code] = _org_unit(
                unit_code, unit_name, OrgUnit.Level.NEIGHBOURHOOD, parent=street
            )
    return units


def _org_unit(code, name, level, parent: OrgUnit | None) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is not None:
        if (unit.name, unit.level) != (name, level):
            unit.name, unit.level = name, level
            unit.save(update_fields=["name", "level"])
        return unit
    if parent is None:
        return OrgUnit.add_root(code=code, name=name, level=level)
    # treebeard keeps numchild on the parent row: re-read it before adding.
    return OrgUnit.objects.get(pk=parent.pk).add_child(
        code=code, name=name, level=level
    )


def demo_password_hash() -> str:
    """One hash shared by every demo account.

    Hashing ~50 passwords with PBKDF2 took a minute on a small machine; a fixed
    salt makes the hash reproducible, so a re-run compares strings instead of
    re-hashing. The password is published in the README: the salt protects
    nothing here, and these accounts must never exist on a real installation.
    """
    # 22 alphanumerics: enough entropy that Django does not re-hash it at login.
    return make_password(DEMO_PASSWORD, salt="weiketangdemoweiketang")


def _person(username, name, unit, position, phone, groups, password_hash, **flags):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": name, **flags}
    )
    changed = {
        k: v
        for k, v in {"first_name": name, "last_name": "", **flags}.items()
        if getattr(user, k) != v
    }
    for key, value in changed.items():
        setattr(user, key, value)
    if user.password != password_hash:
        user.password = password_hash
        changed["password"] = True
    if changed:
        user.save()
    Profile.objects.update_or_create(
        user=user, defaults={"org_unit": unit, "position": position, "phone": phone}
    )
    user.groups.add(*groups)
    return user


@transaction.atomic
def seed(stdout=None) -> None:
    """Build or refresh the demo org tree and people; safe to run again."""
    stdout = stdout or sys.stdout
    units = seed_org_tree()
    groups = {
        g.name: g
        for g in Group.objects.filter(name__in=[LEARNERS, TRAINERS, SUPERVISORS])
    }
    district = units[DISTRICT[0]]
    password = demo_password_hash()
    _person(
        "admin", "系统管理员", district, Profile.Position.OTHER, _phone(1), [],
        password, is_superuser=True, is_staff=True,
    )  # fmt: skip
    for number, (username, name, code) in enumerate(SUPERVISORS_DEMO, start=10):
        _person(
            username, name, units[code], Profile.Position.OTHER, _phone(number),
            [groups[SUPERVISORS]], password,
        )  # fmt: skip
    for number, (username, name) in enumerate(TRAINERS_DEMO, start=30):
        _person(
            username, name, district, Profile.Position.OTHER, _phone(number),
            [groups[TRAINERS]], password,
        )  # fmt: skip
    for number, (username, name, code, position) in enumerate(WORKERS, start=100):
        _person(
            username, name, units[code], position, _phone(number),
            [groups[LEARNERS]], password,
        )  # fmt: skip
    stdout.write(
        f"Demo organisation: {len(units)} org units, {len(WORKERS)} workers, "
        f"{len(SUPERVISORS_DEMO)} supervisors, {len(TRAINERS_DEMO)} trainers.\n"
    )


def demo_activity(username: str) -> tuple[int, int] | None:
    """Days ago of a demo worker's first and last learning; None: never started.

    Fixed per username, so the quizzes and progress demos agree on who is active
    this week, who stopped more than a week ago (the at-risk list) and who never
    began. worker01, the worker the README points to, learned today.
    """
    rng = random.Random(f"demo-activity:{username}")
    draw = rng.random()
    if username == "worker01":
        draw = 1.0
    if draw < 0.1:
        return None
    if draw < 0.3:
        last = rng.randint(DEMO_INACTIVE_DAYS + 1, 24)
    else:
        last = rng.randint(0, DEMO_INACTIVE_DAYS - 2)
    first = rng.randint(min(last + 10, DEMO_HISTORY_DAYS), DEMO_HISTORY_DAYS)
    if username == "worker01":
        last = 0  # learned today: the feed shows a streak
    return first, last


def demo_moment(*, days_ago: int, rng: random.Random, now: datetime) -> datetime:
    """A moment on that Shanghai day, at a time a worker learns (8:00-21:30),
    never later than an hour before `now` (what follows it stays in the past)."""
    day = (now.astimezone(SHANGHAI) - timedelta(days=days_ago)).date()
    minutes = rng.randint(8 * 60, 21 * 60 + 30)
    moment = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI) + timedelta(
        minutes=minutes
    )
    latest = now - timedelta(minutes=rng.randint(60, 150))
    return min(moment, latest)
