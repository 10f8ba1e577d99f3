"""The worker page: every figure against raw rows, its exports, scope, query count."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.periods import period_default
from dashboards.services.stats import stats_rebuild_all
from dashboards.worker_selectors import worker_record
from lessons.models import LessonPage
from progress.models import Assignment, DailyLearning, LessonProgress
from progress.services.ledger import SHANGHAI, local_day
from quizzes.grading import normalised_gain
from quizzes.models import MasteryEvidence, QuizAttempt, QuizOutcome
from quizzes.outcomes import evidence_record
from tests.dashboards.dataset import attempt, build, progress
from tests.lessons.factories import CoursePageFactory, LessonPageFactory
from tests.quizzes.factories import competency, quiz_with

pytestmark = pytest.mark.django_db
TABLES = ("assignments", "lessons", "ledger", "weeks", "quizzes", "attempts", "mastery")


@pytest.fixture
def data():
    data = build()
    today = local_day(data.now)
    w1, w2 = data.people["w1"], data.people["w2"]
    # Mastery for w1: two competencies, one with two pieces of evidence.
    talk, law = competency("议事协商"), competency("法治思维")
    evidence_record(user=w1, competency_ids=[talk.pk], source="quiz", ref="a", credit=1)
    evidence_record(user=w1, competency_ids=[talk.pk], source="quiz", ref="b", credit=0)
    evidence_record(
        user=w1, competency_ids=[law.pk], source="decision", ref="c", credit=1
    )
    competency("社区规划")  # nobody has evidence yet
    # w2 learned four of the last five days: one missed day, forgiven.
    for back in (1, 2, 4, 5):
        DailyLearning.objects.create(
            user=w2, day=today - dt.timedelta(days=back), read_seconds=60 * back
        )
    stats_rebuild_all()
    data.today = today
    return data


def record_of(data, who, viewer="sup_district"):
    return worker_record(
        viewer=data.people[viewer],
        worker=data.people[who],
        period=period_default(today=data.today),
        today=data.today,
    )


def page_url(worker, **query):
    url = reverse("dashboards:worker", args=[worker.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


# --- figures against raw rows ----------------------------------------------------


def direct_assignments(user, today):
    """Each open assignment for the user: (title, due, state, done, total, done_at)."""
    done_at = {
        r.lesson_id: r.completed_at
        for r in LessonProgress.objects.filter(user=user, status="completed")
    }
    out = []
    for a in Assignment.objects.filter(closed=False).order_by("due_date", "pk"):
        paths = [u.path for u in a.org_units.all()]
        if paths and not any(user.profile.org_unit.path.startswith(p) for p in paths):
            continue
        if a.positions and user.profile.position not in a.positions:
            continue
        ids = set(a.lessons.values_list("pk", flat=True))
        if a.course_id:
            ids |= set(
                LessonPage.objects.child_of(a.course).values_list("pk", flat=True)
            )
        done = ids & set(done_at)
        if done == ids:
            state = "done"
        elif a.due_date < today:
            state = "overdue"
        elif (a.due_date - today).days <= 7:
            state = "due_soon"
        else:
            state = "open"
        out.append(
            (
                a.title,
                a.due_date,
                state,
                len(done),
                len(ids),
                max(done_at[pk] for pk in done) if done == ids else None,
            )
        )
    return out


def test_assignments_and_their_state_match_raw_rows(data):
    for who in ("w1", "w2", "w3", "w4"):
        got = [
            (
                r["title"],
                r["due"],
                r["state"],
                r["done"],
                r["total"],
                r["completed_at"],
            )
            for r in record_of(data, who).assignments
        ]
        assert got == direct_assignments(data.people[who], data.today), who


def test_assignments_by_hand(data):
    (w1,) = record_of(data, "w1").assignments
    assert (w1["state"], w1["done"], w1["total"], w1["days_left"]) == (
        "overdue",
        1,
        3,
        -1,
    )
    (w3,) = record_of(data, "w3").assignments
    assert w3["state"] == "done" and w3["days_left"] is None
    assert w3["completed_at"] == data.now - dt.timedelta(days=10)
    assert record_of(data, "w4").assignments == []


def test_lessons_list_progress_rows_and_assigned_lessons_not_started(data):
    w1 = data.people["w1"]
    rows = {r["lesson"]: r for r in record_of(data, "w1").lessons}
    raw = {r.lesson.title: r for r in LessonProgress.objects.filter(user=w1)}
    for title, row in raw.items():
        got = rows[title]
        assert got["status"] == row.status
        assert got["percent"] == row.percent
        assert got["watched_minutes"] == pytest.approx(row.watched_seconds / 60)
        assert got["learning_minutes"] == pytest.approx(row.learning_seconds / 60)
        assert got["completed_at"] == row.completed_at
    # 第3讲 is assigned (the course) and never opened.
    assert set(rows) == set(raw) | {"第3讲"}
    assert rows["第3讲"]["status"] == "" and rows["第3讲"]["percent"] == 0
    assert {r["course"] for r in rows.values()} == {"课程甲"}
    assert {r["assigned"] for r in rows.values()} == {"是"}


def test_ledger_minutes_per_day_match_raw_rows(data):
    for who in ("w1", "w2", "w3", "w4"):
        user = data.people[who]
        record = record_of(data, who)
        period = record.period
        raw = {
            r.day: (r.watched_seconds, r.read_seconds, r.lessons_completed)
            for r in DailyLearning.objects.filter(
                user=user, day__gte=period.start, day__lte=period.end
            )
        }
        got = {
            r["day"]: (r["watched_seconds"], r["read_seconds"], r["lessons_completed"])
            for r in record.ledger
            if not r["note"] or r["day"] in raw
        }
        assert got == raw, who
        daily = dict(record.daily_minutes)
        for day, (watched, read, _n) in raw.items():
            assert daily[day] == pytest.approx((watched + read) / 60)
        assert sum(daily.values()) == pytest.approx(
            sum(w + r for w, r, _n in raw.values()) / 60
        )


def test_weekly_rows_match_the_raw_ledger_and_completions(data):
    for who in ("w1", "w2", "w3", "w4"):
        user = data.people[who]
        for row in record_of(data, who).weeks:
            days = (row["week"], row["week"] + dt.timedelta(days=6))
            seconds = sum(
                round(r.watched_seconds + r.read_seconds)
                for r in DailyLearning.objects.filter(user=user, day__range=days)
            )
            done = [
                r
                for r in LessonProgress.objects.filter(user=user, status="completed")
                if days[0] <= local_day(r.completed_at) <= days[1]
            ]
            assert row["learning_hours"] == pytest.approx(seconds / 3600), who
            assert row["completions"] == len(done), who


def test_streak_counts_days_in_a_row_and_the_freeze_day(data):
    record = record_of(data, "w2")
    missed = data.today - dt.timedelta(days=3)
    assert record.habit.streak == 4
    assert record.habit.freeze_days == (missed,)
    assert record.habit.learned_today is False
    note = {r["day"]: r["note"] for r in record.ledger}
    assert note[missed] and not note[data.today - dt.timedelta(days=1)]


def test_quiz_outcomes_and_pre_post_gain_match_raw_rows(data):
    w1 = data.people["w1"]
    rows = {r["quiz"]: r for r in record_of(data, "w1").outcomes}
    for outcome in QuizOutcome.objects.filter(user=w1).select_related("quiz"):
        got = rows[outcome.quiz.title]
        assert (got["attempts"], got["first_score"], got["best_score"]) == (
            outcome.attempts,
            outcome.first_score,
            outcome.best_score,
        )
    pre = QuizOutcome.objects.get(user=w1, quiz__kind="pre_test").first_score
    post = QuizOutcome.objects.get(user=w1, quiz__kind="post_test").first_score
    assert rows["课后测"]["gain"] == pytest.approx(normalised_gain(pre, post))
    assert rows["课后测"]["gain"] == pytest.approx((70 - 40) / (100 - 40))
    assert rows["课前测"]["gain"] is None and rows["第1讲小测"]["gain"] is None


def test_attempts_in_the_period_match_raw_rows(data):
    w1 = data.people["w1"]
    old = quiz_with(title="旧测验")
    attempt(w1, old, 90, data.now - dt.timedelta(days=200))
    record = record_of(data, "w1")
    start = dt.datetime.combine(record.period.start, dt.time(), tzinfo=SHANGHAI)
    raw = sorted(
        (a.quiz.title, a.number, a.score)
        for a in QuizAttempt.objects.filter(user=w1, submitted_at__gte=start)
    )
    got = sorted((r["quiz"], r["number"], r["score"]) for r in record.attempts)
    assert got == raw and len(got) == 4
    assert "旧测验" not in {r["quiz"] for r in record.attempts}


def test_mastery_per_competency_matches_the_evidence(data):
    w1 = data.people["w1"]
    rows = {r["competency"]: r for r in record_of(data, "w1").mastery}
    for name in ("议事协商", "法治思维"):
        credits = list(
            MasteryEvidence.objects.filter(user=w1, competency__name=name).values_list(
                "credit", flat=True
            )
        )
        assert rows[name]["level"] == pytest.approx(sum(credits) / len(credits))
        assert rows[name]["evidence_count"] == len(credits)
    assert rows["议事协商"]["level"] == pytest.approx(0.5)
    assert rows["社区规划"]["level"] is None


def test_cards_show_the_pre_aggregated_and_period_figures(client, data):
    client.force_login(data.people["sup_district"])
    response = client.get(page_url(data.people["w1"]))
    cards = dict(response.context["cards"])
    assert cards["应学课次"] == "3" and cards["已完成"] == "1"
    assert cards["完成率"] == "33.3%" and cards["逾期"] == "2"
    assert cards["周期内观看（小时）"] == f"{600 / 3600:.1f}"
    assert cards["周期内平均测验分"] == f"{(40 + 80 + 40 + 70) / 4:.1f}"


# --- exports ---------------------------------------------------------------------


def test_every_table_exports_as_xlsx_and_csv_named_with_worker_unit_and_dates(
    client, data
):
    client.force_login(data.people["sup_district"])
    w1 = data.people["w1"]
    period = period_default(today=data.today)
    dates = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    for table in TABLES:
        for fmt in ("xlsx", "csv"):
            response = client.get(page_url(w1, export=fmt, table=table))
            assert response.status_code == 200, (table, fmt)
            disposition = response.headers["Content-Disposition"]
            assert "%E7%8E%8B%E4%B8%BD%E5%8D%8E" in disposition  # 王丽华
            assert "%E4%BA%94%E7%8E%AF" in disposition  # 五环
            assert dates in disposition and disposition.endswith(f".{fmt}")


def test_the_assignments_xlsx_matches_the_page_table(client, data):
    client.force_login(data.people["sup_district"])
    w1 = data.people["w1"]
    page = client.get(page_url(w1))
    table = next(t for t in page.context["tables"] if t["table"].key == "assignments")
    response = client.get(page_url(w1, export="xlsx", table="assignments"))
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content))
    ).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == [str(h["col"].heading) for h in table["headings"]]
    (row,) = values[1:]
    assert row[0] == "课程甲" and row[2] == "已逾期" and row[3:6] == (1, 3, -1)


def test_the_ledger_csv_has_the_minutes_of_each_day(client, data):
    client.force_login(data.people["sup_district"])
    w2 = data.people["w2"]
    response = client.get(page_url(w2, export="csv", table="ledger"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    minutes = {r[0]: float(r[1]) for r in rows[1:]}
    raw = {
        r.day.isoformat(): (r.watched_seconds + r.read_seconds) / 60
        for r in DailyLearning.objects.filter(user=w2)
    }
    assert {d: m for d, m in minutes.items() if m} == raw


# --- scope -----------------------------------------------------------------------


def test_street_supervisor_gets_404_for_another_streets_worker_and_every_export(
    client, data
):
    client.force_login(data.people["sup_jiangpu"])
    w3 = data.people["w3"]  # 平凉路街道
    assert client.get(page_url(w3)).status_code == 404
    for table in TABLES:
        for fmt in ("xlsx", "csv"):
            response = client.get(page_url(w3, export=fmt, table=table))
            assert response.status_code == 404, (table, fmt)
            assert "陈静" not in response.content.decode(errors="ignore")
    assert client.get(page_url(data.people["w1"])).status_code == 200


def test_the_record_selector_refuses_a_worker_outside_the_viewers_subtree(data):
    with pytest.raises(Http404):
        record_of(data, "w3", viewer="sup_jiangpu")


# --- bounded queries -------------------------------------------------------------


def more_rows(data, n):
    """n more lessons (two courses), progress, ledger days, attempts, assignments."""
    w1 = data.people["w1"]
    courses = [CoursePageFactory(title=f"课程{k}") for k in ("乙", "丙")]
    lessons = []
    for i in range(n):
        lesson = LessonPageFactory(parent=courses[i % 2], title=f"加课{i}")
        lesson.save_revision().publish()
        lessons.append(lesson)
    for i, lesson in enumerate(lessons):
        progress(
            w1,
            lesson,
            done=i % 2 == 0,
            at=data.now - dt.timedelta(days=i + 1),
            seconds=60,
        )
    for i, course in enumerate(courses):
        a = Assignment.objects.create(
            title=f"任务{i}", course=course, due_date=data.today + dt.timedelta(i)
        )
        a.org_units.set([data.units["江浦路街道"]])
    mixed = Assignment.objects.create(title="选修", due_date=data.today)
    mixed.lessons.set(lessons[: n // 2])
    for i in range(n):
        attempt(w1, quiz_with(title=f"加测{i}"), 50 + i, data.now - dt.timedelta(i))
        evidence_record(
            user=w1,
            competency_ids=[competency(f"加能力{i}").pk],
            source="quiz",
            ref=f"x{i}",
            credit=0.5,
        )
    stats_rebuild_all()


def test_the_page_makes_as_many_queries_with_many_rows_as_with_few(
    client, data, django_assert_max_num_queries
):
    client.force_login(data.people["sup_district"])
    url = page_url(data.people["w1"])
    client.get(url)  # warm caches (content types, site) alike for both counts
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    more_rows(data, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    lessons = next(t for t in response.context["tables"] if t["table"].key == "lessons")
    assert len(lessons["rows"]) == 3 + 12
