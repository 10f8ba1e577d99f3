"""A small hand-made district with known figures, and a direct computation.

杨浦区
├── 江浦路街道: 五环居民区 (王 w1, 李 w2), 空居民区 (nobody)
├── 平凉路街道: 明园大楼 (陈 w3, 赵 w4 a 楼组长 with no assignment)
└── 空街道 (nobody)

Course 课程甲 (lessons L1, L2, L3) with a pre-test and a post-test, plus a
lesson quiz. A1: the course for 江浦路街道, due yesterday (overdue). A2: L3 for
平凉路街道's social workers, due in 30 days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from cms.models import OrgUnit
from progress.models import Assignment, DailyLearning, LessonProgress
from progress.services.ledger import local_day
from quizzes.models import Quiz, QuizAttempt, QuizOutcome
from quizzes.outcomes import outcome_refresh
from tests.factories import district, learner, neighbourhood, street, supervisor
from tests.lessons.factories import CoursePageFactory, LessonPageFactory
from tests.quizzes.factories import quiz_with


def fresh(unit):
    return OrgUnit.objects.get(pk=unit.pk)


@dataclass
class Data:
    units: dict
    people: dict
    lessons: list
    course: object
    now: dt.datetime


def attempt(user, quiz, score, at, number=1):
    row = QuizAttempt.objects.create(
        quiz=quiz,
        user=user,
        number=number,
        status=QuizAttempt.Status.SUBMITTED,
        submitted_at=at,
        pass_mark=60,
        points=score,
        max_points=100,
        score=score,
        passed=score >= 60,
    )
    outcome_refresh(user=user, quiz=quiz)
    return row


def progress(user, lesson, *, done: bool, at, seconds: float):
    LessonProgress.objects.create(
        user=user,
        lesson=lesson,
        status=LessonProgress.Status.COMPLETED
        if done
        else LessonProgress.Status.STARTED,
        percent=100 if done else 40,
        learning_seconds=seconds,
        first_activity_at=at,
        last_activity_at=at,
        completed_at=at if done else None,
    )
    row, _ = DailyLearning.objects.get_or_create(user=user, day=local_day(at))
    row.watched_seconds += seconds
    row.lessons_completed += int(done)
    row.save()


def build() -> Data:
    now = timezone.now()
    root = district("杨浦区")
    jiangpu = street("江浦路街道", parent=root)
    pingliang = street("平凉路街道", parent=fresh(root))
    street("空街道", parent=fresh(root))
    neighbourhood("五环居民区", parent=fresh(jiangpu))
    neighbourhood("空居民区", parent=fresh(jiangpu))
    neighbourhood("明园大楼", parent=fresh(pingliang))
    units = {
        u.name: u
        for u in OrgUnit.objects.filter(path__startswith=root.path).order_by("path")
    }
    w1 = learner(org_unit=units["五环居民区"], first_name="王丽华")
    w2 = learner(org_unit=units["五环居民区"], first_name="李建国")
    w3 = learner(org_unit=units["明园大楼"], first_name="陈静")
    w4 = learner(org_unit=units["明园大楼"], first_name="赵楼组")
    w4.profile.position = "building_leader"
    w4.profile.save()
    people = dict(
        w1=w1,
        w2=w2,
        w3=w3,
        w4=w4,
        sup_district=supervisor(org_unit=units["杨浦区"], first_name="蒋督导"),
        sup_jiangpu=supervisor(org_unit=units["江浦路街道"], first_name="钱督导"),
    )
    course = CoursePageFactory(title="课程甲")
    lessons = [LessonPageFactory(parent=course, title=f"第{i}讲") for i in (1, 2, 3)]
    for lesson in lessons:
        lesson.save_revision().publish()
    today = local_day(now)
    a1 = Assignment.objects.create(
        title="课程甲", course=course, due_date=today - dt.timedelta(days=1)
    )
    a1.org_units.set([units["江浦路街道"]])
    a2 = Assignment.objects.create(
        title="第3讲",
        due_date=today + dt.timedelta(days=30),
        positions=["social_worker"],
    )
    a2.lessons.set([lessons[2]])
    a2.org_units.set([units["平凉路街道"]])

    ten_days_ago = now - dt.timedelta(days=10)
    progress(w1, lessons[0], done=True, at=now, seconds=600)
    progress(w1, lessons[1], done=False, at=now, seconds=0)
    progress(w3, lessons[2], done=True, at=ten_days_ago, seconds=1200)
    progress(w4, lessons[0], done=False, at=now, seconds=300)

    lesson_quiz = quiz_with(title="第1讲小测")
    pre = quiz_with(title="课前测", kind=Quiz.Kind.PRE_TEST, course=course)
    post = quiz_with(title="课后测", kind=Quiz.Kind.POST_TEST, course=course)
    attempt(w1, lesson_quiz, 40, now - dt.timedelta(hours=2), number=1)
    attempt(w1, lesson_quiz, 80, now - dt.timedelta(hours=1), number=2)
    attempt(w1, pre, 40, now - dt.timedelta(hours=3))
    attempt(w1, post, 70, now - dt.timedelta(minutes=30))
    assert QuizOutcome.objects.filter(user=w1).count() == 3
    return Data(units=units, people=people, lessons=lessons, course=course, now=now)


def direct(unit: OrgUnit, *, now, since: dt.datetime) -> dict:
    """The overview of unit straight from raw rows, written independently of
    dashboards.sources: plain loops over assignments, progress, ledger, attempts."""
    from cms.models import Profile
    from lessons.models import LessonPage
    from quizzes.grading import normalised_gain

    workers = [
        p.user
        for p in Profile.objects.filter(
            org_unit__path__startswith=unit.path, user__groups__name="Learners"
        ).select_related("user", "org_unit")
    ]
    today = local_day(now)
    out = dict.fromkeys(
        [
            "workers", "assigned", "completed", "overdue", "active_7d",
            "learning_seconds", "quiz_attempts", "quiz_score_sum", "quiz_passed",
            "gain_sum", "gain_count",
        ],
        0,
    )  # fmt: skip
    out["workers"] = len(workers)
    for user in workers:
        assigned, overdue_lessons = set(), set()
        done = set(
            LessonProgress.objects.filter(
                user=user, status=LessonProgress.Status.COMPLETED
            ).values_list("lesson_id", flat=True)
        )
        for a in Assignment.objects.filter(closed=False):
            paths = [u.path for u in a.org_units.all()]
            if paths and not any(
                user.profile.org_unit.path.startswith(p) for p in paths
            ):
                continue
            if a.positions and user.profile.position not in a.positions:
                continue
            ids = set(a.lessons.values_list("pk", flat=True))
            if a.course_id:
                ids |= set(
                    LessonPage.objects.child_of(a.course).values_list("pk", flat=True)
                )
            assigned |= ids
            if a.due_date < today:
                overdue_lessons |= ids - done
        out["assigned"] += len(assigned)
        out["completed"] += len(assigned & done)
        out["overdue"] += len(overdue_lessons)
        last = [
            r.last_activity_at
            for r in LessonProgress.objects.filter(user=user)
            if r.last_activity_at
        ] + [
            a.submitted_at
            for a in QuizAttempt.objects.filter(user=user, status="submitted")
        ]
        if last and max(last) >= now - dt.timedelta(days=7):
            out["active_7d"] += 1
        for row in DailyLearning.objects.filter(user=user, day__gte=local_day(since)):
            out["learning_seconds"] += row.watched_seconds + row.read_seconds
        for a in QuizAttempt.objects.filter(
            user=user, status="submitted", submitted_at__gte=since
        ):
            out["quiz_attempts"] += 1
            out["quiz_score_sum"] += a.score
            out["quiz_passed"] += int(a.passed)
        pre = QuizOutcome.objects.filter(user=user, quiz__kind="pre_test").first()
        post = QuizOutcome.objects.filter(user=user, quiz__kind="post_test").first()
        gain = normalised_gain(
            pre.first_score if pre else None, post.first_score if post else None
        )
        if gain is not None:
            out["gain_sum"] += gain
            out["gain_count"] += 1
    return out
