"""A realistic district at full size, for the dashboard bench (seed_scale).

12 streets of about 20 neighbourhoods, 10,000 workers, a supervisor per unit,
20 courses of lessons, assignments, progress rows, quiz attempts and event
history. Rows go in with PostgreSQL COPY; Wagtail pages through the page tree.
Everything is drawn from one random.Random(seed), so a seed gives one district.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from cms.models import OrgUnit
from cms.roles import LEARNERS, SUPERVISORS
from dashboards.sql import copy_rows

CODE = "scale"
# Quiz attempts, ≈50 per worker at 200 lessons (the 500,000 at 10,000
# workers): half the workers sit each course's pre- and post-test (20 attempts),
# and 13% of the lessons a worker completes end in a lesson quiz of 1-3 tries
# (≈30 attempts).
PRE_POST_RATE = 0.5
ACTIVE_SHARE = 0.75  # the others have learnt nothing for 8 to 120 days
LESSON_QUIZ_RATE = 0.13
ACTIVITY_TABLES = (
    "progress_lessonprogress",
    "progress_dailylearning",
    "quizzes_quizattempt",
    "quizzes_quizoutcome",
    "progress_progressevent",
)
STATS_TABLES = (
    "dashboards_workerstat",
    "dashboards_workerweekstat",
    "dashboards_workerlessonstate",
    "dashboards_unitweekstat",
    "dashboards_unitlessonstat",
)
PASSWORD = "weiketang-scale"
STREETS = (
    "定海路街道 平凉路街道 江浦路街道 四平路街道 控江路街道 长白新村街道 "
    "延吉新村街道 殷行街道 大桥街道 五角场街道 新江湾城街道 长海路街道"
).split()
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁"
    "蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江"
)
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红建文辉力宁海燕波鹏晨"
COURSE_TOPICS = (
    "议事协商 楼组自治 睦邻客厅 社区规划 法治调解 加装电梯 停车管理 垃圾分类 "
    "志愿服务 为老服务 物业协同 居民自治 社区营造 应急管理 文明创建 群众工作 "
    "资源动员 数字治理 党建引领 基层减负"
).split()


@dataclass
class Seeded:
    district: OrgUnit
    streets: list[OrgUnit] = field(default_factory=list)
    neighbourhoods: list[OrgUnit] = field(default_factory=list)
    worker_ids: list[int] = field(default_factory=list)
    worker_units: dict[int, int] = field(default_factory=dict)
    supervisors: dict[str, str] = field(default_factory=dict)  # unit code -> username
    lesson_ids: list[int] = field(default_factory=list)
    course_lessons: dict[int, list[int]] = field(default_factory=dict)
    counts: dict = field(default_factory=dict)


@contextmanager
def bulk_load(tables: Iterable[str]):
    """Load into tables with their secondary indexes, unique and foreign-key
    constraints set aside, then build them again in one pass each.

    Checking three foreign keys and updating eight indexes row by row is most of
    the cost of COPYing two million progress rows; a sort-built index and one
    anti-join per foreign key cost a fraction. One transaction: should the load
    fail, the drops roll back with it. Commits need not wait for the WAL flush
    (synchronous_commit off: a crash loses at most the last moments of a seed
    that is run again anyway, never consistency).
    """
    tables = list(tables)
    with transaction.atomic(), connection.cursor() as cursor:
        # Tables with pending deferred foreign-key checks cannot be altered:
        # check them now (and as we go), back to Django's deferred at the end.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) "
            "AND contype IN ('f', 'u', 'x') ORDER BY contype DESC",
            [tables],
        )
        constraints = cursor.fetchall()  # unique ones first: a foreign key may use one
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) "
            "AND NOT i.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid "
            "AND c.conrelid = i.indrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in reversed(constraints):
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        yield
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for table in tables:
            cursor.execute(f"ANALYZE {table}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(
        rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2)))
    )


def seed_org(
    *, rng: random.Random, workers: int, tick: Callable[[int], None]
) -> Seeded:
    """The district, its streets and neighbourhoods, workers and supervisors."""
    if OrgUnit.objects.filter(code=CODE).exists():
        raise ValueError("scale data already present (org unit code 'scale')")
    district = OrgUnit.add_root(name="杨浦区", level=OrgUnit.Level.DISTRICT, code=CODE)
    seeded = Seeded(district=district)
    units = []
    street_specs = []
    for s_index, street_name in enumerate(sorted(STREETS)):
        street_path = OrgUnit._get_path(district.path, 2, s_index + 1)
        count = rng.randint(17, 23)
        street_specs.append((street_name, street_path, count, s_index))
    for street_name, street_path, count, s_index in street_specs:
        units.append(
            OrgUnit(
                name=street_name,
                level=OrgUnit.Level.STREET,
                code=f"{CODE}-s{s_index + 1:02d}",
                path=street_path,
                depth=2,
                numchild=count,
            )
        )
        for n_index in range(count):
            units.append(
                OrgUnit(
                    name=f"{street_name[:2]}第{n_index + 1:02d}居民区",
                    level=OrgUnit.Level.NEIGHBOURHOOD,
                    code=f"{CODE}-s{s_index + 1:02d}-n{n_index + 1:02d}",
                    path=OrgUnit._get_path(street_path, 3, n_index + 1),
                    depth=3,
                    numchild=0,
                )
            )
    OrgUnit.objects.bulk_create(units, batch_size=500)
    OrgUnit.objects.filter(pk=district.pk).update(numchild=len(street_specs))
    district.refresh_from_db()
    seeded.streets = list(
        OrgUnit.objects.filter(path__startswith=district.path, depth=2).order_by("path")
    )
    seeded.neighbourhoods = list(
        OrgUnit.objects.filter(path__startswith=district.path, depth=3).order_by("path")
    )

    password = make_password(PASSWORD)
    now = timezone.now()
    start_id = (
        connection.cursor()
        .execute("SELECT COALESCE(MAX(id), 0) FROM auth_user")
        .fetchone()[0]
        + 1
    )
    people = []  # (username, name, unit, position, group)
    people.append(("sup_scale_district", _name(rng), district, "other", SUPERVISORS))
    for street in seeded.streets:
        people.append((f"sup_{street.code}", _name(rng), street, "other", SUPERVISORS))
    for unit in seeded.neighbourhoods:
        people.append(
            (f"sup_{unit.code}", _name(rng), unit, "party_secretary", SUPERVISORS)
        )
    for i in range(workers):
        unit = seeded.neighbourhoods[i % len(seeded.neighbourhoods)]
        position = rng.choices(
            ["social_worker", "committee_director", "building_leader", "other"],
            [80, 8, 8, 4],
        )[0]
        people.append((f"scale{i + 1:05d}", _name(rng), unit, position, LEARNERS))

    user_rows, profile_rows, group_rows = [], [], []
    groups = {name: Group.objects.get(name=name).pk for name in (LEARNERS, SUPERVISORS)}
    phone_base = 17700000000
    for offset, (username, name, unit, position, group) in enumerate(people):
        user_id = start_id + offset
        user_rows.append(
            (user_id, password, None, False, username, name, "", "", False, True, now)
        )
        profile_rows.append((user_id, unit.pk, position, str(phone_base + user_id), ""))
        group_rows.append((user_id, groups[group]))
        if group == LEARNERS:
            seeded.worker_ids.append(user_id)
            seeded.worker_units[user_id] = unit.pk
        else:
            seeded.supervisors[unit.code] = username
    copy_rows(
        "auth_user",
        ["id", "password", "last_login", "is_superuser", "username", "first_name",
         "last_name", "email", "is_staff", "is_active", "date_joined"],
        user_rows,
    )  # fmt: skip
    from cms.models import Profile

    # copy_model: columns added to Profile later get their defaults.
    copy_model(
        Profile,
        ["user_id", "org_unit_id", "position", "phone", "employee_no"],
        profile_rows,
    )
    copy_rows("auth_user_groups", ["user_id", "group_id"], group_rows)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('auth_user', 'id'), "
            "(SELECT MAX(id) FROM auth_user))"
        )
    tick(len(people))
    return seeded


def seed_lessons(*, rng: random.Random, seeded: Seeded, lessons: int, tick) -> None:
    """20 courses (fewer when lessons < 20) of plain story lessons."""
    from lessons.models import (
        CourseIndexPage,
        CoursePage,
        Instructor,
        LearningHomePage,
        LessonPage,
    )

    index = CourseIndexPage.objects.first()
    if index is None:
        index = CourseIndexPage(title="课程", slug="courses")
        LearningHomePage.objects.get().add_child(instance=index)
    instructors = [
        Instructor.objects.get_or_create(name=f"规模测试讲师{i + 1}", type=kind)[0]
        for i, kind in enumerate(Instructor.Type.values)
    ]
    course_count = min(20, lessons)
    per_course = [
        lessons // course_count + (1 if i < lessons % course_count else 0)
        for i in range(course_count)
    ]
    for c_index, count in enumerate(per_course):
        topic = COURSE_TOPICS[c_index % len(COURSE_TOPICS)]
        course = CoursePage(
            title=f"{topic}实务（规模测试）",
            slug=f"scale-course-{c_index + 1:02d}",
            summary=f"{topic}的案例与方法。",
        )
        with transaction.atomic():
            index.add_child(instance=course)
            course.instructors.set([instructors[c_index % len(instructors)]])
            course.save()
        ids = []
        for l_index in range(count):
            page = LessonPage(
                title=f"{topic}第{l_index + 1}讲",
                slug=f"scale-{c_index + 1:02d}-{l_index + 1:02d}",
                summary=f"{topic}案例{l_index + 1}。",
                script=[
                    {
                        "type": "narration",
                        "value": {"text": f"{topic}案例{l_index + 1}。"},
                    }
                ],
            )
            with transaction.atomic():
                course.add_child(instance=page)
                page.instructors.set(
                    [instructors[(c_index + l_index) % len(instructors)]]
                )
                page.save()
            ids.append(page.pk)
            tick(1)
        seeded.course_lessons[course.pk] = ids
        seeded.lesson_ids.extend(ids)


def work_units(*, workers: int, lessons: int) -> int:
    """Progress-bar steps: people, lessons, then activity per worker, then stats."""
    people = workers + 1 + 12 + 12 * 23
    return people + lessons + workers + workers


def seed_all(*, rng, workers: int, lessons: int, tick, stage) -> Seeded:
    from dashboards.services.stats import stats_rebuild_all

    stage("organisation and people")
    with transaction.atomic():
        seeded = seed_org(rng=rng, workers=workers, tick=tick)
    stage("courses and lessons")
    seed_lessons(rng=rng, seeded=seeded, lessons=lessons, tick=tick)
    stage("assignments, progress, quiz attempts, events")
    with bulk_load(ACTIVITY_TABLES):
        seeded.counts = seed_activity(rng=rng, seeded=seeded, tick=tick)
    stage("pre-aggregated figures")
    with bulk_load(STATS_TABLES):
        stats_rebuild_all(tick=tick)
    if connection.in_atomic_block:  # a test's transaction: VACUUM cannot run
        return seeded
    stage("vacuum")
    # Visibility map and hint bits set once here, as autovacuum would in a
    # running site, rather than by the first requests of the bench.
    with connection.cursor() as cursor:
        for table in (*ACTIVITY_TABLES, *STATS_TABLES):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return seeded


def copy_model(model, columns: list[str], rows) -> int:
    """COPY rows (tuples in `columns` order) into model's table; every other
    concrete column gets its field default (JSON defaults as JSON)."""
    import json

    fields = {f.column: f for f in model._meta.concrete_fields}
    rest = [c for c in fields if c not in columns and not fields[c].primary_key]
    defaults = []
    for column in rest:
        field = fields[column]
        value = field.get_default()
        if field.get_internal_type() == "JSONField":
            value = json.dumps(value)
        defaults.append(value)
    return copy_rows(
        model._meta.db_table,
        [*columns, *rest],
        (tuple(row) + tuple(defaults) for row in rows),
    )


def seed_activity(*, rng, seeded: Seeded, tick) -> dict:
    """Assignments, progress, the ledger, quiz attempts and outcomes, and events.

    About 95% of the lessons per worker have a progress row (≈1.9 million at
    10,000 workers and 200 lessons), activity spread over the last 26 weeks,
    ≈50 submitted quiz attempts per worker (≈500,000) on lesson quizzes and the
    course pre/post tests, and a history of recent progress events (≈440,000).
    """
    import datetime as dt
    import hashlib
    import uuid

    from progress.models import (
        Assignment,
        DailyLearning,
        LessonProgress,
        ProgressEvent,
    )
    from progress.services.ledger import local_day
    from quizzes.models import Quiz, QuizAttempt, QuizOutcome

    now = timezone.now()
    today = local_day(now)
    lesson_course = {
        lesson: course
        for course, lessons in seeded.course_lessons.items()
        for lesson in lessons
    }
    # Assignments: most courses to the whole district, some per street, due
    # dates from two months ago to two months ahead (some overdue).
    courses = list(seeded.course_lessons)
    for index, course_id in enumerate(courses):
        due = today + dt.timedelta(days=rng.randint(-60, 60))
        assignment = Assignment.objects.create(
            title=f"规模测试任务{index + 1}", course_id=course_id, due_date=due
        )
        if index % 4 == 3:
            assignment.org_units.set(rng.sample(seeded.streets, 3))
        else:
            assignment.org_units.set([seeded.district])

    quizzes = {}
    for lesson in seeded.lesson_ids:
        quizzes[lesson] = Quiz.objects.create(
            title=f"小测{lesson}", kind=Quiz.Kind.LESSON, pass_mark=60
        ).pk
    tests = {}
    for course in courses:
        pre = Quiz.objects.create(
            title=f"课前测{course}", kind=Quiz.Kind.PRE_TEST, course_id=course
        )
        post = Quiz.objects.create(
            title=f"课后测{course}", kind=Quiz.Kind.POST_TEST, course_id=course
        )
        tests[course] = (pre.pk, post.pk)

    counts = dict(progress=0, ledger=0, attempts=0, outcomes=0, events=0)
    lessons = seeded.lesson_ids
    progress_rows, ledger_rows, attempt_rows, outcome_rows, event_rows = (
        [], [], [], [], []
    )  # fmt: skip

    def flush(force=False):
        nonlocal progress_rows, ledger_rows, attempt_rows, outcome_rows, event_rows
        if not force and len(progress_rows) < 100_000:
            return
        counts["progress"] += copy_model(
            LessonProgress,
            ["user_id", "lesson_id", "course_id", "status", "percent",
             "watched_seconds", "learning_seconds", "quiz_passed",
             "first_activity_at", "last_activity_at", "completed_at"],
            progress_rows,
        )  # fmt: skip
        counts["ledger"] += copy_model(
            DailyLearning,
            ["user_id", "day", "watched_seconds", "read_seconds", "lessons_completed"],
            ledger_rows,
        )
        counts["attempts"] += copy_model(
            QuizAttempt,
            ["quiz_id", "user_id", "number", "status", "submit_reason",
             "started_at", "submitted_at", "pass_mark", "points", "max_points",
             "score", "passed", "seed"],
            attempt_rows,
        )  # fmt: skip
        counts["outcomes"] += copy_model(
            QuizOutcome,
            ["quiz_id", "user_id", "attempts", "first_score", "best_score",
             "latest_score", "passed", "passed_at", "updated_at"],
            outcome_rows,
        )  # fmt: skip
        counts["events"] += copy_model(
            ProgressEvent,
            ["event_id", "user_id", "lesson_id", "type", "block_id", "position",
             "played_start", "played_end", "wall_seconds", "rate", "client_time",
             "credited_start", "credited_end", "credited_seconds", "payload_hash",
             "received_at"],
            event_rows,
        )  # fmt: skip
        progress_rows, ledger_rows, attempt_rows, outcome_rows, event_rows = (
            [], [], [], [], []
        )  # fmt: skip

    horizon = 26 * 7 * 86400
    for user_id in seeded.worker_ids:
        ability = rng.random()  # how diligent and how good this worker is
        # Some workers stopped learning a while ago: the at-risk list and the
        # 7-day activity figure have something to show.
        quiet = 0.0 if rng.random() < ACTIVE_SHARE else rng.uniform(8, 120) * 86400
        days = {}
        for lesson in lessons:
            if rng.random() > 0.95:
                continue
            first = now - dt.timedelta(seconds=quiet + rng.random() * (horizon - quiet))
            done = rng.random() < 0.35 + 0.6 * ability
            last = first + dt.timedelta(minutes=rng.randint(3, 20))
            last = min(last, now)
            seconds = rng.randint(120, 600) if done else rng.randint(10, 300)
            progress_rows.append(
                (user_id, lesson, lesson_course[lesson],
                 "completed" if done else "started",
                 100 if done else rng.randint(5, 90),
                 seconds * 0.8, seconds, done, first, last, last if done else None)
            )  # fmt: skip
            day = local_day(last)
            row = days.setdefault(day, [0.0, 0.0, 0])
            row[0] += seconds * 0.8
            row[1] += seconds * 0.2
            row[2] += int(done)
            if done and rng.random() < LESSON_QUIZ_RATE:
                quiz = quizzes[lesson]
                tries = 1 + (rng.random() > ability) + (rng.random() > ability)
                scores = []
                for number in range(1, tries + 1):
                    score = float(
                        min(100, max(0, round(rng.gauss(50 + 40 * ability, 15))))
                    )
                    at = last + dt.timedelta(minutes=number)
                    scores.append((score, at))
                    attempt_rows.append(
                        (quiz, user_id, number, "submitted", "learner",
                         at - dt.timedelta(minutes=3), at, 60, score, 100.0, score,
                         score >= 60, rng.getrandbits(40))
                    )  # fmt: skip
                passed = [at for score, at in scores if score >= 60]
                outcome_rows.append(
                    (quiz, user_id, len(scores), scores[0][0],
                     max(s for s, _ in scores), scores[-1][0], bool(passed),
                     passed[0] if passed else None, now)
                )  # fmt: skip
            if last > now - dt.timedelta(days=14):
                for k in range(3):
                    start = k * 20.0
                    event_rows.append(
                        (uuid.UUID(int=rng.getrandbits(128)), user_id, lesson, "tick",
                         "video", start + 20, start, start + 20, 20.0, 1.0, last,
                         start, start + 20, 20.0,
                         hashlib.sha256(f"{user_id}{lesson}{k}".encode()).hexdigest(),
                         last)
                    )  # fmt: skip
        for pre, post in tests.values():
            if rng.random() < PRE_POST_RATE:
                pre_score = float(
                    min(100, max(0, round(rng.gauss(45 + 20 * ability, 15))))
                )
                post_score = float(
                    min(100, max(0, round(pre_score + rng.gauss(20 * ability, 10))))
                )
                for quiz, score, offset in (
                    (pre, pre_score, 150),
                    (post, post_score, 20),
                ):
                    at = now - dt.timedelta(
                        seconds=quiet,
                        days=offset * rng.random() + (offset - 20),
                    )
                    attempt_rows.append(
                        (quiz, user_id, 1, "submitted", "learner",
                         at - dt.timedelta(minutes=8), at, 60, score, 100.0, score,
                         score >= 60, rng.getrandbits(40))
                    )  # fmt: skip
                    outcome_rows.append(
                        (quiz, user_id, 1, score, score, score, score >= 60,
                         at if score >= 60 else None, now)
                    )  # fmt: skip
        for day, (watched, read, completed) in days.items():
            ledger_rows.append((user_id, day, watched, read, completed))
        tick(1)
        flush()
    flush(force=True)
    return counts
