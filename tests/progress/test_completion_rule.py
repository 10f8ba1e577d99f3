"""The completion rule: union of played intervals, 90% per video, story, quiz."""

import pytest
from django.test import Client

from lessons.services import decision_record
from progress.intervals import clamp, merge
from progress.models import LessonProgress, ProgressEvent
from tests.factories import learner
from tests.lessons.factories import video_row
from tests.lessons.stories import decision_id_of, story_lesson
from tests.progress.factories import (
    EVENTS_URL,
    batch,
    story_event,
    tick,
    video_lesson,
    watch_whole,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    return learner()


def send(user, events):
    client = Client()
    client.force_login(user)
    response = client.post(EVENTS_URL, batch(events), content_type="application/json")
    assert response.status_code == 200, response.content
    return LessonProgress.objects.get(user=user, lesson_id=events[0]["lesson"])


def test_seeking_to_the_end_credits_nothing_before_it(worker):
    lesson = video_lesson(duration=60)
    row = send(
        worker,
        [
            tick(lesson, 0, 5, type="seek"),
            tick(lesson, 58, 60, type="ended"),
        ],
    )
    assert row.watched_seconds == pytest.approx(7)
    assert row.status == LessonProgress.Status.STARTED


def test_a_claimed_interval_longer_than_the_wall_clock_allows_is_clamped(worker):
    lesson = video_lesson(duration=60)
    row = send(worker, [tick(lesson, 0, 60, wall=5)])
    assert row.watched_seconds == pytest.approx(5)
    assert ProgressEvent.objects.get().flag == "too_fast"
    assert row.flagged_events == 1


def test_playing_the_whole_video_at_2x_completes(worker):
    lesson = video_lesson(duration=60)
    row = send(worker, watch_whole(lesson, 60, rate=2))
    assert row.status == LessonProgress.Status.COMPLETED
    assert row.percent == 100
    assert row.learning_seconds == pytest.approx(30)


def test_rates_above_2x_count_as_2x(worker):
    lesson = video_lesson(duration=60)
    row = send(worker, [tick(lesson, 0, 40, rate=4, wall=10)])
    assert row.watched_seconds == pytest.approx(20)


def test_an_interval_beyond_the_duration_is_cut_and_flagged(worker):
    lesson = video_lesson(duration=60)
    row = send(worker, [tick(lesson, 50, 80, wall=30)])
    assert row.watched_seconds == pytest.approx(10)
    assert ProgressEvent.objects.get().flag == "beyond_duration"


def test_overlapping_wall_clock_windows_are_not_credited_twice(worker):
    lesson = video_lesson(duration=600)
    first = tick(lesson, 0, 30)
    # The same 30 s of wall time claimed again for another part of the video.
    second = {**tick(lesson, 100, 130), "client_time": first["client_time"]}
    row = send(worker, [first, second])
    assert row.watched_seconds <= 31
    assert ProgressEvent.objects.filter(flag="overlap").count() == 1


def test_89_percent_is_not_complete_and_90_is(worker):
    lesson = video_lesson(duration=100)
    row = send(worker, [tick(lesson, 0, 89)])
    assert row.status == LessonProgress.Status.STARTED
    row = send(worker, [tick(lesson, 89, 90)])
    assert row.status == LessonProgress.Status.COMPLETED


def test_the_trainer_can_ask_for_the_whole_video(worker):
    lesson = video_lesson(duration=100, completion_threshold=100)
    row = send(worker, [tick(lesson, 0, 95)])
    assert row.status == LessonProgress.Status.STARTED


def test_every_video_must_be_watched():
    from tests.lessons.factories import LessonPageFactory, Script

    lesson = LessonPageFactory(
        script=Script().video(video_row(duration=30)).video(video_row(duration=30))
        .build()
    )  # fmt: skip
    first = next(b.id for b in lesson.script if b.block_type == "video")
    row = send(learner(), [tick(lesson, 0, 30, block=first)])
    assert row.status == LessonProgress.Status.STARTED
    assert row.percent == 50


def test_the_story_must_be_read_to_the_end_on_the_branch_taken(worker):
    lesson = story_lesson()
    row = send(worker, [story_event(lesson, "end", type="story_end")])
    assert row.status == LessonProgress.Status.STARTED  # no choice made yet
    decision_record(
        user=worker, lesson=lesson, decision_id=decision_id_of(lesson), option_index=0
    )
    row = send(worker, [story_event(lesson, "end", type="story_end")])
    assert row.status == LessonProgress.Status.COMPLETED


def test_a_failed_quiz_keeps_the_lesson_open(worker, settings):
    settings.PROGRESS_QUIZ_RESULT = "tests.progress.quiz_stub.result"
    from tests.progress import quiz_stub

    quiz_stub.PASSED.clear()
    lesson = video_lesson(duration=60)
    row = send(worker, watch_whole(lesson, 60))
    assert row.status == LessonProgress.Status.STARTED
    quiz_stub.PASSED.add((worker.pk, lesson.pk))
    from progress.services.progress import lesson_progress_refresh

    row = lesson_progress_refresh(user=worker, lesson=lesson)
    assert row.status == LessonProgress.Status.COMPLETED


def test_progress_never_goes_backwards(worker):
    lesson = video_lesson(duration=60)
    send(worker, watch_whole(lesson, 60))
    row = send(worker, [tick(lesson, 0, 1)])
    assert (row.status, row.percent) == (LessonProgress.Status.COMPLETED, 100)


def test_the_ledger_counts_minutes_per_shanghai_day(worker):
    from datetime import date

    from progress.models import DailyLearning

    lesson = video_lesson(duration=120)
    send(worker, watch_whole(lesson, 120))
    day = DailyLearning.objects.get(user=worker)
    assert day.day == date(2026, 12, 2)
    assert day.watched_seconds == pytest.approx(120)
    assert day.lessons_completed == 1


def test_merge_and_clamp_arithmetic():
    assert merge([[10, 20], [0, 5], [4, 12], [30, 31]]) == [[0, 20], [30, 31]]
    credit = clamp(start=0, end=100, wall_seconds=10, rate=1.0, span=(0, 200))
    assert (credit.start, credit.end, credit.flag) == (0, 10, "too_fast")
