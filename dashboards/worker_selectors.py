"""The worker page: one person's learning record (scoped by cms.scoping).

Everything is read once into a WorkerRecord by the progress and quizzes
selectors (which start from the viewer's scope themselves) and the dashboards'
own pre-aggregated rows; the cards and every exportable table are built from
that record, so the page costs the same few queries whatever the number of
lessons, attempts, days or assignments.

Current state: assignments, lessons, quiz outcomes, mastery, streak. The chosen
period: the 学时 ledger, the weekly table and the attempts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cms.scoping import get_overseen_worker_or_404
from dashboards import charts
from dashboards.models import WorkerStat, WorkerWeekStat
from dashboards.periods import Period
from dashboards.tables import Col, Table
from progress.services.assignments import State

STATE_LABELS = {
    State.OVERDUE: _("已逾期"),
    State.DUE_SOON: _("即将到期"),
    State.OPEN: _("进行中"),
    State.DONE: _("已完成"),
}


@dataclass
class WorkerRecord:
    worker: object
    period: Period
    today: dt.date
    stat: WorkerStat | None
    habit: object | None  # progress.selectors.HabitSummary
    assignments: list[dict]
    lessons: list[dict]
    ledger: list[dict]  # days of the period with learning (or a freeze), newest first
    daily_minutes: list[tuple[dt.date, float]]  # every day of the period up to today
    weeks: list[dict]
    outcomes: list[dict]
    attempts: list[dict]
    mastery: list[dict]

    @property
    def period_watched_seconds(self) -> float:
        return sum(r["watched_seconds"] for r in self.ledger)

    @property
    def period_read_seconds(self) -> float:
        return sum(r["read_seconds"] for r in self.ledger)

    @property
    def period_attempt_scores(self) -> list[float]:
        return [r["score"] for r in self.attempts if r["score"] is not None]


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    from progress.services.ledger import SHANGHAI

    start = dt.datetime.combine(period.start, dt.time(), tzinfo=SHANGHAI)
    end = dt.datetime.combine(period.end + dt.timedelta(1), dt.time(), tzinfo=SHANGHAI)
    return start, end


def _yes_no(value: bool) -> str:
    return gettext("是") if value else gettext("否")


def worker_record(
    *, viewer, worker, period: Period, today: dt.date | None = None
) -> WorkerRecord:
    from progress.selectors import (
        learning_ledger_for,
        worker_assignment_items,
        worker_habit_for,
        worker_lesson_progress,
    )
    from progress.services.assignments import today_local

    get_overseen_worker_or_404(viewer, worker.pk)
    today = today or today_local()
    items = worker_assignment_items(viewer=viewer, worker=worker, today=today)
    progress_rows = list(worker_lesson_progress(viewer=viewer, worker=worker))
    habit = worker_habit_for(viewer=viewer, worker=worker, today=today)
    ledger_rows = list(
        learning_ledger_for(
            viewer=viewer, start=period.start, end=min(period.end, today)
        ).filter(user=worker)
    )
    return WorkerRecord(
        worker=worker,
        period=period,
        today=today,
        stat=WorkerStat.objects.filter(user=worker).first(),
        habit=habit,
        assignments=_assignment_rows(items, progress_rows),
        lessons=_lesson_rows(items, progress_rows),
        ledger=_ledger_rows(ledger_rows, habit, period),
        daily_minutes=_daily_minutes(ledger_rows, period, today),
        weeks=_week_rows(worker, period),
        outcomes=_outcome_rows(viewer, worker),
        attempts=_attempt_rows(viewer, worker, period),
        mastery=_mastery_rows(viewer, worker),
    )


def _assignment_rows(items, progress_rows) -> list[dict]:
    completed_at = {
        r["lesson_id"]: r["completed_at"] for r in progress_rows if r["completed_at"]
    }
    rows = []
    for item in items:
        done = item.state == State.DONE
        times = [completed_at[pk] for pk in item.done_ids if pk in completed_at]
        rows.append(
            {
                "title": item.assignment.title,
                "due": item.due,
                "state": item.state,
                "state_label": str(STATE_LABELS[item.state]),
                "done": item.done,
                "total": item.total,
                "days_left": None if done else item.days_left,
                # When the cycle's last lesson was completed.
                "completed_at": max(times) if done and times else None,
            }
        )
    return rows


def _lesson_rows(items, progress_rows) -> list[dict]:
    from wagtail.models import Page

    from lessons.models import LessonPage
    from progress.models import LessonProgress

    assigned = {pk for item in items for pk in item.lesson_ids}
    # Assigned lessons never opened are listed too, after the ones under way.
    missing = assigned - {r["lesson_id"] for r in progress_rows}
    unopened = list(
        LessonPage.objects.filter(pk__in=missing)
        .order_by("path")
        .values_list("pk", "title", "path")
    )
    # The course is the lesson's parent page (LessonProgress.course is only a
    # copy, empty on rows written before it existed): one query for all.
    step = LessonPage.steplen
    paths = [r["lesson_path"] for r in progress_rows] + [p for _pk, _t, p in unopened]
    courses = dict(
        Page.objects.filter(path__in={path[:-step] for path in paths}).values_list(
            "path", "title"
        )
    )
    # Labels translated once, not per row (a worker has a row per lesson).
    labels = {status.value: str(status.label) for status in LessonProgress.Status}
    yes_no = {True: _yes_no(True), False: _yes_no(False)}
    rows = []
    for r in progress_rows:
        rows.append(
            {
                "lesson_id": r["lesson_id"],
                "course": courses.get(r["lesson_path"][:-step], ""),
                "lesson": r["lesson_title"],
                "assigned": yes_no[r["lesson_id"] in assigned],
                "status": r["status"],
                "status_label": labels[r["status"]],
                "percent": r["percent"],
                "watched_minutes": r["watched_seconds"] / 60,
                "learning_minutes": r["learning_seconds"] / 60,
                "first_activity_at": r["first_activity_at"],
                "last_activity_at": r["last_activity_at"],
                "completed_at": r["completed_at"],
            }
        )
    for pk, title, path in unopened:
        rows.append(
            {
                "lesson_id": pk,
                "course": courses.get(path[:-step], ""),
                "lesson": title,
                "assigned": _yes_no(True),
                "status": "",
                "status_label": gettext("未开始"),
                "percent": 0,
                "watched_minutes": 0.0,
                "learning_minutes": 0.0,
                "first_activity_at": None,
                "last_activity_at": None,
                "completed_at": None,
            }
        )
    return rows


def _ledger_rows(ledger_rows, habit, period: Period) -> list[dict]:
    freeze = set(habit.freeze_days) if habit else set()
    by_day = {}
    for r in ledger_rows:
        by_day[r.day] = {
            "day": r.day,
            "watched_seconds": r.watched_seconds,
            "read_seconds": r.read_seconds,
            "watched_minutes": r.watched_seconds / 60,
            "read_minutes": r.read_seconds / 60,
            "minutes": (r.watched_seconds + r.read_seconds) / 60,
            "lessons_completed": r.lessons_completed,
            "note": "",
        }
    for day in freeze:
        if period.start <= day <= period.end:
            row = by_day.setdefault(
                day,
                {
                    "day": day,
                    "watched_seconds": 0.0,
                    "read_seconds": 0.0,
                    "watched_minutes": 0.0,
                    "read_minutes": 0.0,
                    "minutes": 0.0,
                    "lessons_completed": 0,
                },
            )
            row["note"] = gettext("补签日")
    return sorted(by_day.values(), key=lambda r: r["day"], reverse=True)


def _daily_minutes(ledger_rows, period: Period, today: dt.date):
    minutes = {r.day: (r.watched_seconds + r.read_seconds) / 60 for r in ledger_rows}
    last = min(period.end, today)
    days = (last - period.start).days + 1
    return [
        (period.start + dt.timedelta(i), minutes.get(period.start + dt.timedelta(i), 0))
        for i in range(max(0, days))
    ]


def _week_rows(worker, period: Period) -> list[dict]:
    weeks = {
        w.week: w
        for w in WorkerWeekStat.objects.filter(
            user=worker, week__gte=period.start, week__lte=period.end
        )
    }
    return [
        {
            "week": week,
            "learning_hours": (weeks[week].learning_seconds if week in weeks else 0)
            / 3600,
            "completions": weeks[week].completions if week in weeks else 0,
            "quiz_attempts": weeks[week].quiz_attempts if week in weeks else 0,
        }
        for week in period.weeks
    ]


def _outcome_rows(viewer, worker) -> list[dict]:
    from quizzes.grading import normalised_gain
    from quizzes.models import Quiz
    from quizzes.selectors import course_test_pairs, worker_quiz_outcomes

    outcomes = list(
        worker_quiz_outcomes(viewer=viewer, user_ids=[worker.pk])
        .select_related("quiz__course")
        .only(
            "quiz_id", "attempts", "first_score", "best_score", "latest_score",
            "passed", "passed_at", "quiz__title", "quiz__kind", "quiz__course_id",
            "quiz__course__title",
        )
        .order_by("quiz__course__path", "quiz__kind", "quiz__title", "quiz_id")
    )  # fmt: skip
    pairs = course_test_pairs(
        course_ids={o.quiz.course_id for o in outcomes if o.quiz.course_id}
    )
    first = {o.quiz_id: o.first_score for o in outcomes}
    gains = {
        post_id: normalised_gain(first.get(pre_id), first.get(post_id))
        for pre_id, post_id in pairs.values()
    }
    return [
        {
            "quiz_id": o.quiz_id,
            "quiz": o.quiz.title,
            "kind": str(Quiz.Kind(o.quiz.kind).label),
            "course": o.quiz.course.title if o.quiz.course else "",
            "attempts": o.attempts,
            "first_score": o.first_score,
            "best_score": o.best_score,
            "latest_score": o.latest_score,
            "passed": _yes_no(o.passed),
            "passed_at": o.passed_at,
            # On the post-test of a course's pre/post pair only.
            "gain": gains.get(o.quiz_id),
        }
        for o in outcomes
    ]


def _attempt_rows(viewer, worker, period: Period) -> list[dict]:
    from django.db.models import Q

    from quizzes.models import Quiz, QuizAttempt
    from quizzes.selectors import worker_attempt_history

    start, end = _bounds(period)
    attempts = (
        worker_attempt_history(viewer=viewer, user_id=worker.pk)
        .filter(
            Q(submitted_at__gte=start, submitted_at__lt=end)
            | Q(submitted_at__isnull=True, started_at__gte=start, started_at__lt=end)
        )
        .only(
            "number", "status", "started_at", "submitted_at", "score", "passed",
            "quiz__title", "quiz__kind",
        )
    )  # fmt: skip
    rows = [
        {
            "quiz": a.quiz.title,
            "kind": str(Quiz.Kind(a.quiz.kind).label),
            "number": a.number,
            "status": str(QuizAttempt.Status(a.status).label),
            "started_at": a.started_at,
            "submitted_at": a.submitted_at,
            "score": a.score if a.status == QuizAttempt.Status.SUBMITTED else None,
            "passed": _yes_no(bool(a.passed))
            if a.status == QuizAttempt.Status.SUBMITTED
            else "",
        }
        for a in attempts
    ]
    rows.sort(key=lambda r: r["submitted_at"] or r["started_at"], reverse=True)
    return rows


def _mastery_rows(viewer, worker) -> list[dict]:
    from quizzes.models import Competency
    from quizzes.selectors import worker_mastery

    mine = {
        m.competency_id: m for m in worker_mastery(viewer=viewer, user_ids=[worker.pk])
    }
    rows = []
    for competency in Competency.objects.all():
        m = mine.get(competency.pk)
        rows.append(
            {
                "competency": competency.name,
                "level": m.level if m else None,
                "evidence_count": m.evidence_count if m else 0,
                "updated_at": m.updated_at if m else None,
            }
        )
    return rows


# --- what the page shows ---------------------------------------------------------


def _pct(part, whole) -> str:
    return "–" if not whole else f"{100 * part / whole:.1f}%"


def worker_cards(record: WorkerRecord) -> list[tuple[str, str]]:
    stat, habit = record.stat, record.habit
    scores = record.period_attempt_scores
    cards = [
        (_("应学课次"), str(stat.assigned if stat else 0)),
        (_("已完成"), str(stat.completed if stat else 0)),
        (_("完成率"), _pct(stat.completed, stat.assigned) if stat else "–"),
        (_("逾期"), str(stat.overdue if stat else 0)),
        (
            _("累计学时（小时）"),
            f"{(stat.learning_seconds if stat else 0) / 3600:.1f}",
        ),
        (_("周期内观看（小时）"), f"{record.period_watched_seconds / 3600:.1f}"),
        (_("周期内阅读（小时）"), f"{record.period_read_seconds / 3600:.1f}"),
        (
            _("周期内平均测验分"),
            f"{sum(scores) / len(scores):.1f}" if scores else "–",
        ),
    ]
    if habit is not None:
        cards += [
            (_("连续学习（天）"), str(habit.streak)),
            (_("连续期间补签（天）"), str(len(habit.freeze_days))),
            (_("本周完成／目标（节）"), f"{habit.week_done}／{habit.weekly_goal}"),
        ]
    return cards


def worker_tables(record: WorkerRecord) -> list[Table]:
    return [
        Table(
            key="assignments",
            title=_("学习任务"),
            columns=[
                Col("title", _("任务"), "text"),
                Col("due", _("截止日期"), "date"),
                Col("state_label", _("状态"), "text"),
                Col("done", _("已完成微课")),
                Col("total", _("应学微课")),
                Col("days_left", _("距截止（天）")),
                Col("completed_at", _("完成时间"), "datetime"),
            ],
            rows=record.assignments,
            note=_("当前状态；每年重复的任务按本轮计算，逾期时距截止天数为负。"),
        ),
        Table(
            key="lessons",
            title=_("微课学习"),
            columns=[
                Col("lesson", _("微课"), "text"),
                Col("course", _("课程"), "text"),
                Col("assigned", _("应学"), "text"),
                Col("status_label", _("状态"), "text"),
                Col("percent", _("完成度"), "percent"),
                Col("watched_minutes", _("视频已看（分钟）"), "minutes"),
                Col("learning_minutes", _("学习时长（分钟）"), "minutes"),
                Col("first_activity_at", _("首次学习"), "datetime"),
                Col("last_activity_at", _("最近学习"), "datetime"),
                Col("completed_at", _("完成时间"), "datetime"),
            ],
            rows=record.lessons,
            note=_(
                "视频已看为各视频看过部分的合计（重复观看只计一次）；"
                "学习时长为观看与阅读故事的时间。"
            ),
        ),
        Table(
            key="ledger",
            title=_("学时记录（每日）"),
            columns=[
                Col("day", _("日期"), "date"),
                Col("minutes", _("学时（分钟）"), "minutes"),
                Col("watched_minutes", _("观看（分钟）"), "minutes"),
                Col("read_minutes", _("阅读（分钟）"), "minutes"),
                Col("lessons_completed", _("完成微课")),
                Col("note", _("连续学习"), "text"),
            ],
            rows=record.ledger,
            chart=charts.line_chart(
                [f"{day:%m-%d}" for day, _minutes in record.daily_minutes],
                [
                    charts.Series(
                        str(_("每日学时（分钟）")),
                        [minutes for _day, minutes in record.daily_minutes],
                    )
                ],
                title=str(_("每日学时（分钟）")),
            )
            if record.daily_minutes
            else None,
            note=_("统计周期内有学习的日子；补签日不计学时，但不中断连续学习。"),
        ),
        Table(
            key="weeks",
            title=_("每周学习"),
            columns=[
                Col("week", _("周（周一）"), "date"),
                Col("learning_hours", _("学时（小时）"), "hours"),
                Col("completions", _("完成课次")),
                Col("quiz_attempts", _("测验次数")),
            ],
            rows=record.weeks,
        ),
        Table(
            key="quizzes",
            title=_("测验成绩"),
            columns=[
                Col("quiz", _("测验"), "text"),
                Col("kind", _("类型"), "text"),
                Col("course", _("课程"), "text"),
                Col("attempts", _("已提交次数")),
                Col("first_score", _("首次得分"), "score"),
                Col("best_score", _("最高分"), "score"),
                Col("latest_score", _("最近得分"), "score"),
                Col("gain", _("前后测增益"), "ratio"),
                Col("passed", _("已通过"), "text"),
                Col("passed_at", _("通过时间"), "datetime"),
            ],
            rows=record.outcomes,
            note=_(
                "前后测增益写在课后测一行：（课后测首次得分－课前测首次得分）"
                "／（100－课前测首次得分）；课前测满分时无法计算。"
            ),
        ),
        Table(
            key="attempts",
            title=_("作答记录（统计周期内）"),
            columns=[
                Col("quiz", _("测验"), "text"),
                Col("kind", _("类型"), "text"),
                Col("number", _("第几次")),
                Col("status", _("状态"), "text"),
                Col("started_at", _("开始时间"), "datetime"),
                Col("submitted_at", _("提交时间"), "datetime"),
                Col("score", _("得分"), "score"),
                Col("passed", _("通过"), "text"),
            ],
            rows=record.attempts,
        ),
        Table(
            key="mastery",
            title=_("能力掌握度"),
            columns=[
                Col("competency", _("能力"), "text"),
                Col("level", _("掌握度"), "ratio"),
                Col("evidence_count", _("证据数")),
                Col("updated_at", _("更新时间"), "datetime"),
            ],
            rows=record.mastery,
            chart=charts.bar_chart(
                [
                    (r["competency"], None if r["level"] is None else 100 * r["level"])
                    for r in record.mastery
                ],
                title=str(_("能力掌握度")),
                suffix="%",
                max_value=100,
            )
            if record.mastery
            else None,
            note=_("测验作答、故事决策的首次选择和每日复习的平均得分。"),
        ),
    ]
