"""Demo assignments and six weeks of learning by the demo workers.

`manage.py seed_demo` calls `seed()` after the quizzes demo. Everything goes
through the real services: assignment_create for the assignments, decision_record
for the story choices and events_record for what the phones would have sent (play
and ended events whose played intervals cover the video at rate 1 or 1.5,
story steps with their reading time, story_end), each batch with the `now` it
would have arrived at. So LessonProgress, the 学时 ledger and the streaks come out
of the same rules as real learning.

Who learns when follows cms.demo.demo_activity (the quizzes demo dates its
attempts by it too): a lesson whose quiz a worker took was read up to that quiz
just before the attempt, and finished (story_end) after it; passed means
completed. Some workers also stopped part-way through one more lesson on their
last day. Fixed random seed; idempotent: assignments are matched by title, and a
worker who already has progress or choices in a lesson is left alone there
(event ids are derived from the worker and lesson, so a replay changes nothing).
"""

from __future__ import annotations

import random
import sys
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

SEED = 20261203
EVENT_NAMESPACE = uuid.UUID("6b3f1c2e-0d4a-4c8e-9a57-3d2f1e0b9c41")
# The player flushes its queue about every 20 s, and on pause, end and page hide.
FLUSH_SECONDS = 20
DUE_IN_DAYS = 21
DUE_SOON_IN_DAYS = 3
OVERDUE_DAYS_AGO = 4


@dataclass
class Assigned:
    title: str
    creator: str
    unit: str
    due_in_days: int
    course: bool = False
    lesson_slug: str = ""
    # An overdue assignment was made weeks ago, not today.
    created_days_ago: int = 0


ASSIGNMENTS = (
    Assigned("三微治理：全区社工必修", "trainer1", "yangpu", DUE_IN_DAYS, course=True),
    Assigned(
        "江浦路街道：楼道众筹专题学习", "sup_jiangpu", "jiangpu", DUE_SOON_IN_DAYS,
        lesson_slug="stairwell-crowdfunding",
    ),
    Assigned(
        "平凉路街道：加装电梯调解专题", "sup_pingliang", "pingliang",
        -OVERDUE_DAYS_AGO, lesson_slug="mingyuan-lift", created_days_ago=18,
    ),
)  # fmt: skip


@dataclass
class Totals:
    assignments: int = 0
    new_assignments: int = 0
    workers: set = field(default_factory=set)
    lessons: int = 0
    completed: int = 0
    events: int = 0


def seed(*, stdout=None) -> None:
    stdout = stdout or sys.stdout
    from lessons.demo_content import COURSE
    from lessons.models import CoursePage, LessonPage

    course = CoursePage.objects.filter(slug=COURSE["slug"]).first()
    if course is None:
        stdout.write("progress: no demo course, nothing assigned\n")
        return
    lessons = list(LessonPage.objects.live().child_of(course).order_by("path"))
    totals = Totals()
    now = timezone.now()
    _assignments(course=course, lessons=lessons, now=now, totals=totals)
    _learning(lessons=lessons, now=now, totals=totals)

    from dashboards.services.stats import stats_rebuild_all

    stats_rebuild_all()
    stdout.write(
        f"progress: {totals.assignments} assignments ({totals.new_assignments} new), "
        f"{len(totals.workers)} workers learned {totals.lessons} lessons "
        f"({totals.completed} completed), {totals.events} events\n"
    )


# --- assignments -------------------------------------------------------------------


def _assignments(*, course, lessons, now: datetime, totals: Totals) -> None:
    from cms.models import OrgUnit
    from progress.models import Assignment
    from progress.services.assignments import assignment_create, today_local

    User = get_user_model()
    by_slug = {lesson.slug: lesson for lesson in lessons}
    today = today_local()
    for spec in ASSIGNMENTS:
        totals.assignments += 1
        if Assignment.objects.filter(title=spec.title).exists():
            continue
        creator = User.objects.filter(username=spec.creator).first()
        unit = OrgUnit.objects.filter(code=spec.unit).first()
        lesson = by_slug.get(spec.lesson_slug)
        if creator is None or unit is None or (spec.lesson_slug and lesson is None):
            continue
        assignment = assignment_create(
            creator=creator,
            title=spec.title,
            due_date=today + timedelta(days=spec.due_in_days),
            course=course if spec.course else None,
            lessons=[lesson] if lesson else [],
            org_units=[unit],
        )
        if spec.created_days_ago:
            # created_at is set on insert: date it as the old assignment it stands for.
            Assignment.objects.filter(pk=assignment.pk).update(
                created_at=now - timedelta(days=spec.created_days_ago)
            )
        totals.new_assignments += 1


# --- learning ------------------------------------------------------------------------


@dataclass
class Phone:
    """One worker's phone on one lesson: queues events and sends them in batches."""

    user: object
    lesson: object
    rng: random.Random
    totals: Totals
    # Decision block id -> the option this worker picks there.
    choices: dict = field(default_factory=dict)
    queue: list = field(default_factory=list)
    number: int = 0

    def event(self, kind: str, at: datetime, **values) -> None:
        from progress.services.events import EventData

        self.number += 1
        name = f"{self.user.username}:{self.lesson.slug}:{self.number}"
        self.queue.append(
            EventData(
                event_id=uuid.uuid5(EVENT_NAMESPACE, name),
                lesson_id=self.lesson.pk,
                type=kind,
                client_time=at,
                **values,
            )
        )
        first = self.queue[0].client_time
        if kind in ("pause", "ended", "story_end") or (
            (at - first).total_seconds() >= FLUSH_SECONDS
        ):
            self.flush()

    def flush(self) -> None:
        from progress.services.events import events_record

        if not self.queue:
            return
        arrived = self.queue[-1].client_time + timedelta(
            seconds=self.rng.uniform(0.2, 1.5)
        )
        events_record(
            user=self.user,
            events=self.queue,
            now=arrived,
        )
        self.totals.events += len(self.queue)
        self.queue = []


def _full_path(*, lesson, facts, rng: random.Random) -> tuple[list, dict[str, int]]:
    """The steps a worker walks to the story's end and the option chosen at each
    decision on the way (mostly the best-rated, as a careful reader would)."""
    choices: dict[str, int] = {}
    while True:
        path, complete = facts.path(choices)
        if complete:
            return path, choices
        decision_id = path[-1].block_id
        choices[decision_id] = _choice(lesson=lesson, decision_id=decision_id, rng=rng)


def _choice(*, lesson, decision_id: str, rng: random.Random) -> int:
    from lessons.decisions import decision_block

    options = decision_block(lesson=lesson, decision_id=decision_id).value["options"]
    best = [i for i, option in enumerate(options) if option["rating"] == "best"]
    if best and rng.random() < 0.6:
        return best[0]
    return rng.randrange(len(options))


def _walk(
    *,
    phone: Phone,
    facts,
    steps,
    start: datetime,
    rate: float,
    stop_video_at: float | None = None,
    end: bool = False,
) -> datetime:
    """Read and watch `steps` from `start`; the time the worker got to.

    A decision is stored through decision_record when it is made, as the story's
    own request would; the video is played from the start (to `stop_video_at`, or
    to its end).
    """
    from lessons.decisions import decision_record

    rng, lesson = phone.rng, phone.lesson
    at = start
    for step in steps:
        if step.kind == "video":
            lo, hi = facts.videos.get(step.block_id, (0.0, 0.0))
            if hi <= lo:
                continue
            phone.event("play", at, block_id=step.block_id, position=lo, rate=rate)
            stop = hi if stop_video_at is None else lo + (hi - lo) * stop_video_at
            wall = (stop - lo) / rate * rng.uniform(1.0, 1.06)
            at += timedelta(seconds=wall)
            phone.event(
                "ended" if stop >= hi else "pause",
                at,
                block_id=step.block_id,
                position=round(stop, 3),
                played_start=lo,
                played_end=round(stop, 3),
                wall_seconds=round(wall, 3),
                rate=rate,
            )
            continue
        seconds = (
            rng.randint(20, 120) if step.kind == "decision" else rng.randint(8, 75)
        )
        at += timedelta(seconds=seconds)
        phone.event("story_step", at, block_id=step.block_id, data={"seconds": seconds})
        if step.kind == "decision":
            option = phone.choices[step.block_id]
            decision_record(
                user=phone.user,
                lesson=lesson,
                decision_id=step.block_id,
                option_index=option,
                now=at,
            )
            phone.event(
                "decision", at, block_id=step.block_id, data={"option_index": option}
            )
    if end:
        seconds = rng.randint(5, 30)
        at += timedelta(seconds=seconds)
        phone.event("story_end", at, block_id="end", data={"seconds": seconds})
    phone.flush()
    return at


def _reading_seconds(steps) -> float:
    """A generous estimate of how long reading these steps takes (for scheduling)."""
    return 90.0 * len(steps) + 60


def _learning(*, lessons, now: datetime, totals: Totals) -> None:
    from cms.demo import demo_activity, demo_moment
    from progress.lesson_rules import lesson_facts
    from quizzes.models import QuizAttempt, QuizPlacement

    workers = list(
        get_user_model()
        .objects.filter(username__startswith="worker", is_active=True)
        .order_by("username")
    )
    facts = {lesson.pk: lesson_facts(lesson) for lesson in lessons}
    quiz_of = {
        lesson_id: quiz_id
        for lesson_id, quiz_id in QuizPlacement.objects.filter(
            lesson__in=lessons
        ).values_list("lesson_id", "quiz_id")
    }
    for worker in workers:
        window = demo_activity(worker.username)
        if window is None:
            continue
        first, last = window
        rng = random.Random(f"{SEED}:{worker.username}")
        rate = 1.5 if rng.random() < 0.25 else 1.0
        untaken = []
        for lesson in lessons:
            lesson_rng = random.Random(f"{SEED}:{worker.username}:{lesson.slug}")
            attempts = list(
                QuizAttempt.objects.filter(
                    user=worker,
                    quiz_id=quiz_of.get(lesson.pk),
                    status=QuizAttempt.Status.SUBMITTED,
                )
                .order_by("submitted_at")
                .values_list("submitted_at", "passed")
            )
            if not attempts:
                untaken.append((lesson, lesson_rng))
                continue
            if _started(worker, lesson):
                continue
            completed = _study_to_quiz(
                worker=worker,
                lesson=lesson,
                facts=facts[lesson.pk],
                attempts=attempts,
                rate=rate,
                rng=lesson_rng,
                totals=totals,
            )
            totals.workers.add(worker.pk)
            totals.lessons += 1
            totals.completed += completed
        # Some stopped part-way through one more lesson on their last day.
        if untaken and rng.random() < 0.6 and not _started(worker, untaken[0][0]):
            lesson, lesson_rng = untaken[0]
            # A sitting a day on the days up to the last (a streak), read on
            # from where the previous one stopped.
            sittings = lesson_rng.randint(1, 3)
            starts = [
                demo_moment(days_ago=last + back, rng=lesson_rng, now=now)
                for back in range(sittings - 1, -1, -1)
            ]
            _study_part(
                worker=worker,
                lesson=lesson,
                facts=facts[lesson.pk],
                starts=starts,
                rate=rate,
                rng=lesson_rng,
                totals=totals,
            )
            totals.workers.add(worker.pk)
            totals.lessons += 1


def _started(worker, lesson) -> bool:
    """Already learning it (an earlier seed_demo run, or the worker's own use)."""
    from lessons.models import DecisionChoice
    from progress.models import LessonProgress

    return (
        LessonProgress.objects.filter(user=worker, lesson=lesson).exists()
        or DecisionChoice.objects.filter(user=worker, lesson=lesson).exists()
    )


def _study_to_quiz(
    *, worker, lesson, facts, attempts, rate, rng, totals: Totals
) -> bool:
    """Read and watch the lesson up to its quiz, just before the first attempt,
    and to the story's end after the last; sometimes in two sittings days apart.
    True when the lesson came out completed."""
    from progress.models import LessonProgress

    path, choices = _full_path(lesson=lesson, facts=facts, rng=rng)
    phone = Phone(user=worker, lesson=lesson, rng=rng, totals=totals, choices=choices)
    quiz_at = next((i for i, s in enumerate(path) if s.kind == "quiz"), len(path))
    before, quiz_steps = path[:quiz_at], path[quiz_at:]
    first_submitted, _passed = attempts[0]
    last_submitted, _passed = attempts[-1]
    quiz_start = first_submitted - timedelta(minutes=rng.randint(2, 4))
    start = quiz_start - timedelta(seconds=_reading_seconds(before))
    if len(before) > 4 and rng.random() < 0.35:
        # The first sitting ended part-way; the worker came back days later.
        cut = rng.randint(2, len(before) - 2)
        earlier = start - timedelta(days=rng.randint(1, 4), minutes=rng.randint(0, 240))
        _walk(phone=phone, facts=facts, steps=before[:cut], start=earlier, rate=rate)
        before = before[cut:]
        start = quiz_start - timedelta(seconds=_reading_seconds(before))
    _walk(phone=phone, facts=facts, steps=before, start=start, rate=rate)
    _walk(
        phone=phone,
        facts=facts,
        steps=quiz_steps,
        start=last_submitted,
        rate=rate,
        end=True,
    )
    return LessonProgress.objects.filter(
        user=worker, lesson=lesson, status=LessonProgress.Status.COMPLETED
    ).exists()


def _study_part(*, worker, lesson, facts, starts, rate, rng, totals: Totals) -> None:
    """Sittings that stopped part-way: some steps read, the video partly seen."""
    path, choices = _full_path(lesson=lesson, facts=facts, rng=rng)
    phone = Phone(user=worker, lesson=lesson, rng=rng, totals=totals, choices=choices)
    cut = rng.randint(2, max(2, len(path) * 2 // 3))
    stop_video_at = rng.choice([0.4, 0.6, 1.0])
    size = max(1, -(-cut // len(starts)))
    for number, start in enumerate(starts):
        steps = path[number * size : (number + 1) * size]
        if not steps:
            break
        _walk(
            phone=phone,
            facts=facts,
            steps=steps,
            start=start,
            rate=rate,
            stop_video_at=stop_video_at,
        )
