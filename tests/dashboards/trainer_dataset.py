"""A small hand-made dataset for the trainers' aggregates, and direct computations.

杨浦区
├── 江浦路街道 / 五环居民区: 王丽华 (wang), 李明 (li), 周强 (zhou)
└── 平凉路街道 / 明园大楼: 陈静 (chen)

Course 课程甲 with a pre-test and a post-test:
- L1 (社区规划师): a 20 s video, a decision with three options, a lesson quiz;
- L2 (法治专员): a 12 s video;
- L3 (no instructor): a 30 s video nobody opens.

Events go through the progress API (the real clamp and fold); decisions through
decision_record; quiz outcomes through outcome_refresh. The direct computations
below read only raw rows (events, choices, outcomes) in plain Python.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from cms.models import OrgUnit
from lessons.decisions import decision_record
from lessons.models import DecisionChoice, Instructor
from progress.models import LessonProgress, ProgressEvent
from quizzes.grading import normalised_gain
from quizzes.models import Quiz, QuizOutcome, QuizPlacement
from tests.dashboards.dataset import attempt
from tests.factories import (
    district,
    learner,
    neighbourhood,
    street,
    superuser,
    supervisor,
    trainer,
)
from tests.lessons.factories import (
    CoursePageFactory,
    InstructorFactory,
    LessonPageFactory,
    Script,
    option,
    video_row,
)
from tests.progress.factories import EVENTS_URL, T0, batch, tick
from tests.quizzes.factories import question, quiz_with

WORKER_NAMES = ("王丽华", "李明", "周强", "陈静")


@dataclass
class Data:
    people: dict
    lessons: dict
    quizzes: dict
    decision_id: str


def fresh(unit):
    return OrgUnit.objects.get(pk=unit.pk)


def _video_block(lesson) -> str:
    return next(b.id for b in lesson.script if b.block_type == "video")


def watch(user, lesson, intervals, *, hour: int = 0):
    """Post played intervals through the API, as the phone would."""
    client = Client()
    client.force_login(user)
    events = [
        tick(lesson, start, end, at=T0 + timedelta(hours=hour, seconds=end))
        for start, end in intervals
    ]
    response = client.post(EVENTS_URL, batch(events), content_type="application/json")
    assert response.status_code == 200, response.content


def build() -> Data:
    root = district("杨浦区")
    jiangpu = street("江浦路街道", parent=root)
    pingliang = street("平凉路街道", parent=fresh(root))
    wuhuan = neighbourhood("五环居民区", parent=fresh(jiangpu))
    mingyuan = neighbourhood("明园大楼", parent=fresh(pingliang))
    people = dict(
        wang=learner(org_unit=wuhuan, first_name="王丽华"),
        li=learner(org_unit=wuhuan, first_name="李明"),
        zhou=learner(org_unit=wuhuan, first_name="周强"),
        chen=learner(org_unit=mingyuan, first_name="陈静"),
        trainer=trainer(org_unit=fresh(root), first_name="培训师"),
        sup_jiangpu=supervisor(org_unit=fresh(jiangpu), first_name="街道督导"),
        sup_district=supervisor(org_unit=fresh(root), first_name="区督导"),
        admin=superuser(),
    )
    planner = InstructorFactory(type=Instructor.Type.COMMUNITY_PLANNER)
    legal = InstructorFactory(type=Instructor.Type.LEGAL_COMMISSIONER)
    course = CoursePageFactory(title="课程甲")
    lesson_quiz = quiz_with(question(), title="楼组议事小测")
    script = (
        Script()
        .video(video_row(duration=20, title="楼道堆物"))
        .decision(
            "楼道里堆满杂物，你先做什么？",
            [
                option("召集楼组议事", rating="best"),
                option("请物业清理", rating="acceptable"),
                option("等等看", rating="poor"),
            ],
        )
    )
    script._add("quiz", {"quiz": lesson_quiz.pk, "heading": "课后小测"})
    l1 = LessonPageFactory(
        parent=course, title="楼组自治", script=script.build(), instructors=[planner]
    )
    l2 = LessonPageFactory(
        parent=course,
        title="电梯加装调解",
        script=Script().video(video_row(duration=12, title="电梯")).build(),
        instructors=[legal],
    )
    l3 = LessonPageFactory(
        parent=course,
        title="睦邻门",
        script=Script().video(video_row(duration=30, title="睦邻门")).build(),
    )
    pre = quiz_with(question(), title="课前测", kind=Quiz.Kind.PRE_TEST, course=course)
    post = quiz_with(
        question(), title="课后测", kind=Quiz.Kind.POST_TEST, course=course
    )

    watch(people["wang"], l1, [(0, 10), (10, 20)])
    watch(people["li"], l1, [(0, 7), (12, 16)])
    watch(people["zhou"], l1, [(0, 4)])
    watch(people["chen"], l1, [(0, 10), (10, 20)])
    watch(people["wang"], l2, [(0, 12)], hour=1)
    watch(people["li"], l2, [(3, 5)], hour=1)

    decision_id = next(b.id for b in l1.script if b.block_type == "decision")
    for who, choices in (("wang", [0, 1, 2]), ("li", [1]), ("chen", [0, 0])):
        for index in choices:
            decision_record(
                user=people[who], lesson=l1, decision_id=decision_id, option_index=index
            )

    now = timezone.now()
    attempt(people["wang"], lesson_quiz, 80, now)
    attempt(people["li"], lesson_quiz, 40, now)
    attempt(people["chen"], lesson_quiz, 70, now)
    attempt(people["wang"], pre, 40, now)
    attempt(people["wang"], post, 70, now)
    attempt(people["li"], pre, 50, now)
    attempt(people["li"], post, 50, now)
    attempt(people["chen"], pre, 100, now)
    attempt(people["chen"], post, 100, now)
    # The quiz outcome alone does not complete a lesson: finish two as the
    # fold would once the story is read.
    LessonProgress.objects.filter(
        user__in=[people["wang"], people["chen"]], lesson=l1
    ).update(status=LessonProgress.Status.COMPLETED, completed_at=now)
    return Data(
        people=people,
        lessons={"l1": l1, "l2": l2, "l3": l3},
        quizzes={"lesson": lesson_quiz, "pre": pre, "post": post},
        decision_id=decision_id,
    )


# Direct computations from raw rows, in plain Python.


def seconds_watched(user_ids, lesson, block_id) -> dict[int, set[int]]:
    """Whole media seconds [t, t+1) inside some credited interval, per worker."""
    out = defaultdict(set)
    for user_id, start, end in ProgressEvent.objects.filter(
        lesson=lesson, block_id=block_id, user_id__in=user_ids
    ).values_list("user_id", "credited_start", "credited_end"):
        if start is not None and end is not None:
            out[user_id] |= set(range(int(start), int(end)))
    return out


def video_blocks(lesson) -> dict[str, float]:
    return {
        b.id: float(b.value["video"].duration)
        for b in lesson.script
        if b.block_type == "video"
    }


def direct_funnel(lesson, user_ids) -> dict:
    rows = LessonProgress.objects.filter(lesson=lesson, user_id__in=user_ids)
    opened = {r.user_id for r in rows}
    videos = video_blocks(lesson)
    total = sum(videos.values())
    watched = Counter()
    for block_id in videos:
        for user_id, seconds in seconds_watched(user_ids, lesson, block_id).items():
            watched[user_id] += len(seconds)
    quizzes = set(
        QuizPlacement.objects.filter(lesson=lesson).values_list("quiz_id", flat=True)
    )
    passed = defaultdict(set)
    for user_id, quiz_id in QuizOutcome.objects.filter(
        quiz_id__in=quizzes, passed=True, user_id__in=user_ids
    ).values_list("user_id", "quiz_id"):
        passed[user_id].add(quiz_id)
    return {
        "opened": len(opened),
        "half_watched": sum(1 for u in watched if watched[u] >= total / 2)
        if videos
        else None,
        "completed": sum(1 for r in rows if r.status == "completed"),
        "quiz_passed": sum(1 for q in passed.values() if q == quizzes)
        if quizzes
        else None,
    }


def direct_retention(lesson, user_ids) -> dict[str, list[tuple[int, float | None]]]:
    """Per video: (watching, share) per 5 s bucket, at least half a bucket seen."""
    out = {}
    for block_id, duration in video_blocks(lesson).items():
        seen = seconds_watched(user_ids, lesson, block_id)
        viewers = [s for s in seen.values() if s]
        buckets = []
        for start in range(0, int(duration), 5):
            length = min(5, int(duration) - start)
            n = sum(
                1
                for s in viewers
                if len(s & set(range(start, start + 5))) >= length / 2
            )
            buckets.append((n, n / len(viewers) if viewers else None))
        out[block_id] = buckets
    return out


def direct_decisions(lesson, decision_id, user_ids) -> dict:
    rows = list(
        DecisionChoice.objects.filter(
            lesson=lesson, decision_id=decision_id, user_id__in=user_ids
        ).order_by("chosen_at", "pk")
    )
    firsts, later, seen = Counter(), Counter(), set()
    rechoosers = set()
    for row in rows:
        if row.user_id in seen:
            later[row.option_index] += 1
            rechoosers.add(row.user_id)
        else:
            seen.add(row.user_id)
            firsts[row.option_index] += 1
    return {
        "choosers": len(seen),
        "rechoosers": len(rechoosers),
        "first": [firsts[i] for i in range(3)],
        "later": [later[i] for i in range(3)],
    }


def direct_type_outcomes(lessons, user_ids, *, pre, post) -> dict[str, dict]:
    """Per instructor type: completion, first score and gain with their workers."""
    by_type = defaultdict(list)
    for lesson in lessons:
        kinds = {i.type for i in lesson.instructors.all()} or {""}
        for kind in kinds:
            by_type[kind].append(lesson)
    out = {}
    for kind, group in by_type.items():
        progress = list(
            LessonProgress.objects.filter(lesson__in=group, user_id__in=user_ids)
        )
        quizzes = set(
            QuizPlacement.objects.filter(
                lesson__in=group, quiz__kind=Quiz.Kind.LESSON
            ).values_list("quiz_id", flat=True)
        )
        scores = [
            (o.user_id, o.first_score)
            for o in QuizOutcome.objects.filter(
                quiz_id__in=quizzes, user_id__in=user_ids
            )
            if o.first_score is not None
        ]
        first = {
            (o.user_id, o.quiz_id): o.first_score
            for o in QuizOutcome.objects.filter(quiz__in=[pre, post])
        }
        gains = [
            (u, g)
            for u in user_ids
            if (g := normalised_gain(first.get((u, pre.pk)), first.get((u, post.pk))))
            is not None
        ] if kind else []  # fmt: skip
        completed = sum(1 for p in progress if p.status == "completed")
        out[kind] = {
            "lessons": len(group),
            "completion_rate": completed / len(progress) if progress else None,
            "completion_workers": len({p.user_id for p in progress}),
            "score": sum(s for _, s in scores) / len(scores) if scores else None,
            "score_workers": len({u for u, _ in scores}),
            "gain": sum(g for _, g in gains) / len(gains) if gains else None,
            "gain_workers": len({u for u, _ in gains}),
        }
    return out
