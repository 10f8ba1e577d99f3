"""The trainers' aggregates against direct computations from raw rows (and by hand).

Each test runs twice: on the raw rows, and after a stats rebuild, when the lesson
list's funnels and outcomes by instructor type come from the unit rows.
"""

import pytest

from cms.scoping import aggregate_people_for
from dashboards import trainer_selectors as sel
from dashboards.services.stats import stats_rebuild_all
from lessons.models import Instructor
from tests.dashboards.trainer_dataset import (
    build,
    direct_decisions,
    direct_funnel,
    direct_retention,
    direct_type_outcomes,
)

pytestmark = pytest.mark.django_db
VIEWERS = ("trainer", "sup_jiangpu", "sup_district", "admin")


@pytest.fixture(params=["raw rows", "unit rows"])
def data(request):
    built = build()
    if request.param == "unit rows":
        stats_rebuild_all()
    return built


def ids_for(viewer):
    return set(aggregate_people_for(viewer).values_list("pk", flat=True))


def test_the_scope_is_everyone_for_trainers_and_the_subtree_for_supervisors(data):
    p = data.people
    workers = {p[k].pk for k in ("wang", "li", "zhou", "chen")}
    assert workers <= ids_for(p["trainer"])
    assert ids_for(p["sup_jiangpu"]) & workers == {
        p["wang"].pk,
        p["li"].pk,
        p["zhou"].pk,
    }
    assert ids_for(p["wang"]) == set()


@pytest.mark.parametrize("who", VIEWERS)
def test_every_funnel_matches_the_direct_computation(data, who):
    viewer = data.people[who]
    lessons = sel.content_lessons()
    funnels = sel.lesson_funnels(viewer=viewer, lessons=lessons)
    for lesson in data.lessons.values():
        f = funnels[lesson.pk]
        got = dict(
            opened=f.opened,
            half_watched=f.half_watched,
            completed=f.completed,
            quiz_passed=f.quiz_passed,
        )
        assert got == direct_funnel(lesson, ids_for(viewer)), lesson.title


def test_funnels_by_hand_for_the_trainer(data):
    lessons = sel.content_lessons()
    funnels = sel.lesson_funnels(viewer=data.people["trainer"], lessons=lessons)
    l1, l2, l3 = (funnels[data.lessons[k].pk] for k in ("l1", "l2", "l3"))
    # L1: four opened; wang, li (7 + 4 s of 20) and chen saw half; two completed;
    # wang (80) and chen (70) passed the quiz, li (40) did not.
    assert (l1.opened, l1.half_watched, l1.completed, l1.quiz_passed) == (4, 3, 2, 2)
    # L2 has only its video: wang watched all of it, which completes it.
    assert (l2.opened, l2.half_watched, l2.completed, l2.quiz_passed) == (
        2,
        1,
        1,
        None,
    )
    assert (l3.opened, l3.half_watched, l3.completed, l3.quiz_passed) == (
        0,
        0,
        0,
        None,
    )


@pytest.mark.parametrize("who", VIEWERS)
def test_every_retention_curve_matches_the_direct_computation(data, who):
    viewer = data.people[who]
    for lesson in data.lessons.values():
        expected = direct_retention(lesson, ids_for(viewer))
        for video in sel.video_retention(viewer=viewer, lesson=lesson):
            got = [(b.watching, b.share) for b in video.buckets]
            assert got == [
                (n, pytest.approx(s) if s is not None else None)
                for n, s in expected[video.block_id]
            ], lesson.title


def test_retention_by_hand_shows_where_viewers_stop(data):
    [video] = sel.video_retention(
        viewer=data.people["trainer"], lesson=data.lessons["l1"]
    )
    assert video.viewers == 4 and video.title == "楼道堆物"
    # li skipped 7-12 s and stopped at 16 s; zhou stopped at 4 s.
    assert [b.watching for b in video.buckets] == [4, 2, 3, 2]
    assert [b.start for b in video.buckets] == [0, 5, 10, 15]


def test_a_video_nobody_watched_has_no_shares(data):
    [video] = sel.video_retention(
        viewer=data.people["trainer"], lesson=data.lessons["l3"]
    )
    assert video.viewers == 0
    assert [(b.watching, b.share) for b in video.buckets] == [(0, None)] * 6


@pytest.mark.parametrize("who", VIEWERS)
def test_decision_distributions_match_the_direct_computation(data, who):
    viewer = data.people[who]
    [decision] = sel.decision_distributions(viewer=viewer, lesson=data.lessons["l1"])
    got = {
        "choosers": decision.choosers,
        "rechoosers": decision.rechoosers,
        "first": [o.first for o in decision.options],
        "later": [o.later for o in decision.options],
    }
    assert got == direct_decisions(
        data.lessons["l1"], data.decision_id, ids_for(viewer)
    )


def test_first_choices_and_rechoices_by_hand(data):
    [decision] = sel.decision_distributions(
        viewer=data.people["trainer"], lesson=data.lessons["l1"]
    )
    # First choices: wang 0, chen 0, li 1. Re-choices: wang 1 then 2, chen 0 again.
    assert [o.first for o in decision.options] == [2, 1, 0]
    assert [o.share for o in decision.options] == pytest.approx([2 / 3, 1 / 3, 0])
    assert [o.later for o in decision.options] == [1, 1, 1]
    assert (decision.choosers, decision.rechoosers) == (3, 2)
    assert [o.label for o in decision.options][0] == "召集楼组议事"


def test_a_lesson_without_decisions_has_no_distribution(data):
    assert (
        sel.decision_distributions(
            viewer=data.people["trainer"], lesson=data.lessons["l3"]
        )
        == []
    )


@pytest.mark.parametrize("who", VIEWERS)
def test_outcomes_by_instructor_type_match_the_direct_computation(data, who):
    viewer = data.people[who]
    rows = sel.instructor_type_outcomes(viewer=viewer, lessons=sel.content_lessons())
    got = {
        r.type: {
            "lessons": r.lessons,
            "completion_rate": r.completion_rate,
            "completion_workers": r.completion_workers,
            "score": r.score,
            "score_workers": r.score_workers,
            "gain": r.gain,
            "gain_workers": r.gain_workers,
        }
        for r in rows
    }
    expected = direct_type_outcomes(
        list(data.lessons.values()),
        ids_for(viewer),
        pre=data.quizzes["pre"],
        post=data.quizzes["post"],
    )
    assert got == {
        kind: {k: pytest.approx(v) if v is not None else None for k, v in d.items()}
        for kind, d in expected.items()
    }


def test_outcomes_by_instructor_type_by_hand(data):
    rows = {
        r.type: r
        for r in sel.instructor_type_outcomes(
            viewer=data.people["trainer"], lessons=sel.content_lessons()
        )
    }
    planner = rows[Instructor.Type.COMMUNITY_PLANNER]
    assert planner.completion_rate == pytest.approx(2 / 4)
    assert planner.completion_workers == 4
    assert planner.score == pytest.approx((80 + 40 + 70) / 3)
    # wang (40 -> 70) gains 0.5, li (50 -> 50) 0, chen's pre of 100 has no gain.
    assert planner.gain == pytest.approx(0.25) and planner.gain_workers == 2
    legal = rows[Instructor.Type.LEGAL_COMMISSIONER]
    assert (legal.completion_rate, legal.completion_workers) == (0.5, 2)
    assert legal.score is None and legal.score_workers == 0
    untyped = rows[sel.NO_TYPE]
    assert (untyped.lessons, untyped.completion_rate, untyped.completion_workers) == (
        1,
        None,
        0,
    )
    assert list(rows) == [
        Instructor.Type.COMMUNITY_PLANNER,
        Instructor.Type.LEGAL_COMMISSIONER,
        sel.NO_TYPE,
    ]


def test_a_learner_gets_no_aggregate(data):
    wang = data.people["wang"]
    funnels = sel.lesson_funnels(viewer=wang, lessons=sel.content_lessons())
    assert {f.opened for f in funnels.values()} == {0}
    [decision] = sel.decision_distributions(viewer=wang, lesson=data.lessons["l1"])
    assert decision.choosers == 0


@pytest.mark.parametrize(("n", "warned"), [(0, True), (9, True), (10, False)])
def test_small_n_is_fewer_than_ten(n, warned):
    assert sel.small(n) is warned


def test_quiz_passed_needs_every_quiz_of_a_lesson_with_several(data):
    from django.utils import timezone

    from progress.models import LessonProgress
    from tests.dashboards.dataset import attempt
    from tests.lessons.factories import LessonPageFactory, Script
    from tests.quizzes.factories import question, quiz_with

    first, second = quiz_with(question()), quiz_with(question())
    script = Script().narration("两次小测。")
    script._add("quiz", {"quiz": first.pk, "heading": "一"})
    script._add("quiz", {"quiz": second.pk, "heading": "二"})
    lesson = LessonPageFactory(title="两测", script=script.build())
    wang, li = data.people["wang"], data.people["li"]
    now = timezone.now()
    for who, scores in ((wang, (90, 80)), (li, (90, 30))):
        LessonProgress.objects.create(user=who, lesson=lesson)
        attempt(who, first, scores[0], now)
        attempt(who, second, scores[1], now)
    trainer = data.people["trainer"]
    [ref] = sel.content_lessons(pks=[lesson.pk])
    f = sel.lesson_funnels(viewer=trainer, lessons=[ref])[lesson.pk]
    assert f.quiz_passed == 1
    assert f.quiz_passed == direct_funnel(lesson, ids_for(trainer))["quiz_passed"]
