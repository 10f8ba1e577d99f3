"""The demo's assignments and replayed learning (slow: one seeding, through the real
transcode, quiz and progress services)."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cms import demo as cms_demo
from cms.models import OrgUnit
from dashboards.models import WorkerStat
from dashboards.selectors import at_risk
from lessons import demo as lessons_demo
from lessons.models import DecisionChoice
from progress import demo
from progress.models import Assignment, DailyLearning, LessonProgress, ProgressEvent
from progress.services.assignments import State, worker_work_items
from quizzes import demo as quizzes_demo
from quizzes.models import QuizAttempt
from tests.deps import require_binary


def _seed():
    out = io.StringIO()
    cms_demo.seed(stdout=out)
    lessons_demo.seed(stdout=out)
    quizzes_demo.seed(stdout=out)
    demo.seed(stdout=out)
    return out.getvalue()


def _counts():
    return {
        "assignments": Assignment.objects.count(),
        "events": ProgressEvent.objects.count(),
        "choices": DecisionChoice.objects.count(),
        "attempts": QuizAttempt.objects.count(),
        "progress": LessonProgress.objects.count(),
        "ledger": DailyLearning.objects.count(),
    }


def _states(username: str) -> dict[str, str]:
    user = get_user_model().objects.get(username=username)
    return {item.assignment.title: item.state for item in worker_work_items(user=user)}


# Transactional: the transcode's lease heartbeat writes from its own connection.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_demo_learning_shows_on_the_dashboards_and_a_rerun_adds_nothing():
    require_binary("ffmpeg")
    require_binary("fc-match")
    output = _seed()
    first = _counts()
    assert "progress: 3 assignments (3 new)" in output

    # A street's own assignment is due soon, another street's is overdue for
    # someone who has not finished it, the district's course is open.
    jiangpu = [s for s in _states("worker01").values()]
    assert State.DUE_SOON in jiangpu or State.DONE in jiangpu
    assert State.OPEN in jiangpu
    pingliang = OrgUnit.objects.get(code="pingliang")
    states = [
        _states(u.username).get("平凉路街道：加装电梯调解专题")
        for u in get_user_model().objects.filter(
            profile__org_unit__path__startswith=pingliang.path
        )
    ]
    assert State.OVERDUE in states

    # Learning over weeks: completed and part-way lessons, completions dated
    # when they happened, a ledger over many days.
    now = timezone.now()
    done = LessonProgress.objects.filter(status=LessonProgress.Status.COMPLETED)
    assert done.exists()
    assert LessonProgress.objects.filter(status=LessonProgress.Status.STARTED).exists()
    assert done.filter(completed_at__lt=now - timedelta(days=7)).exists()
    assert not ProgressEvent.objects.exclude(flag="").exists()
    assert DailyLearning.objects.values("day").distinct().count() > 14

    # The figures are there without waiting for the beat task, at-risk included.
    supervisor = get_user_model().objects.get(username="sup_district")
    district = OrgUnit.objects.get(code="yangpu")
    assert at_risk(viewer=supervisor, unit=district)
    stat = WorkerStat.objects.get(user__username="worker01")
    assert stat.assigned > 0 and stat.learning_seconds > 0

    _seed()
    assert _counts() == first
