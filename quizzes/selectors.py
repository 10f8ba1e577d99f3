"""Reads behind quiz pages, the API and dashboards; each takes the viewer.

Learner reads are the viewer's own rows. Outcome reads for dashboards start from
cms.scoping.people_for / org_units_for, so a supervisor sees their own subtree
and nobody else (trainers see no personal figures, as in cms.scoping).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import Substr

from cms.models import OrgUnit
from cms.scoping import org_units_for, people_for
from quizzes.grading import normalised_gain
from quizzes.models import (
    AttemptAnswer,
    Mastery,
    Question,
    Quiz,
    QuizAttempt,
    QuizOutcome,
    QuizPlacement,
)

# -- what a learner may take ----------------------------------------------------------


def quiz_for_learner(*, viewer, quiz_id: int) -> Quiz | None:
    """A quiz placed in a live lesson, or a live course's pre/post test; else None."""
    from lessons.models import CoursePage, LessonPage

    if not viewer.is_authenticated or not viewer.is_active:
        return None
    live_lessons = LessonPage.objects.live().public()
    live_courses = CoursePage.objects.live().public()
    return (
        Quiz.objects.filter(pk=quiz_id)
        .filter(
            Q(placements__lesson__in=live_lessons)
            | Q(
                kind__in=[Quiz.Kind.PRE_TEST, Quiz.Kind.POST_TEST],
                course__in=live_courses,
            )
        )
        .distinct()
        .first()
    )


def attempt_for_learner(*, viewer, attempt_id: int) -> QuizAttempt | None:
    """The viewer's own attempt (someone else's is the same None as a missing one)."""
    if not viewer.is_authenticated:
        return None
    return (
        QuizAttempt.objects.filter(pk=attempt_id, user=viewer)
        .select_related("quiz")
        .first()
    )


def attempts_of(*, viewer, quiz: Quiz) -> list[QuizAttempt]:
    """The viewer's own attempts at a quiz, newest first."""
    if not viewer.is_authenticated:
        return []
    return list(QuizAttempt.objects.filter(quiz=quiz, user=viewer).order_by("-number"))


def lesson_quizzes(*, lesson) -> list[Quiz]:
    """Quizzes placed in a lesson's (published) script."""
    return list(Quiz.objects.filter(placements__lesson=lesson).distinct())


def lesson_quiz_result(*, user, lesson) -> bool | None:
    """For progress (settings.PROGRESS_QUIZ_RESULT): None if the lesson has no quiz,
    else whether the worker has passed every quiz placed in it."""
    if not QuizPlacement.objects.filter(lesson=lesson).exists():
        return None
    return lesson_quiz_passed(user=user, lesson=lesson)


def lesson_quiz_passed(*, user, lesson) -> bool:
    """Has this worker passed every quiz placed in the lesson? (True if it has none.)

    For lesson completion (the progress issue): a lesson with a quiz block is
    complete only when this is True.
    """
    quiz_ids = set(
        QuizPlacement.objects.filter(lesson=lesson).values_list("quiz_id", flat=True)
    )
    if not quiz_ids:
        return True
    passed = set(
        QuizOutcome.objects.filter(
            user=user, quiz_id__in=quiz_ids, passed=True
        ).values_list("quiz_id", flat=True)
    )
    return quiz_ids <= passed


# -- what a learner sees while answering (never the key) -------------------------------


@dataclass(frozen=True)
class OptionView:
    id: int
    text: str


@dataclass(frozen=True)
class QuestionView:
    position: int
    type: str
    type_label: str
    scenario: str
    stem: str
    options: list[OptionView]
    chosen: list[int]


def attempt_questions(*, attempt: QuizAttempt) -> list[QuestionView]:
    """The attempt's questions as shown: text, options in order, the saved choice.

    Built field by field from what the learner may see; the key, option flags,
    feedback and explanation are never read into it.
    """
    answers = list(attempt.answers.select_related("question").order_by("position"))
    option_text = _option_texts(answers)
    return [
        QuestionView(
            position=answer.position,
            type=answer.question.type,
            type_label=str(Question.Type(answer.question.type).label),
            scenario=answer.question.scenario,
            stem=answer.question.stem,
            options=[
                OptionView(id=pk, text=option_text.get(pk, ""))
                for pk in answer.option_order
            ],
            chosen=list(answer.chosen),
        )
        for answer in answers
    ]


def _option_texts(answers: list[AttemptAnswer]) -> dict[int, str]:
    from quizzes.models import QuestionOption

    ids = [pk for answer in answers for pk in answer.option_order]
    return dict(QuestionOption.objects.filter(pk__in=ids).values_list("pk", "text"))


# -- after submission ------------------------------------------------------------------


@dataclass(frozen=True)
class OptionResult:
    id: int
    text: str
    chosen: bool
    correct: bool | None  # None when the policy hides answers
    feedback: str


@dataclass(frozen=True)
class QuestionResult:
    position: int
    stem: str
    scenario: str
    credit: float
    options: list[OptionResult]
    explanation: str


@dataclass(frozen=True)
class AttemptResult:
    attempt_id: int
    number: int
    score: float
    points: float
    max_points: float
    passed: bool
    pass_mark: int
    submit_reason: str
    submitted_at: str
    answers_shown: bool
    questions: list[QuestionResult]


def answers_visible(*, attempt: QuizAttempt) -> bool:
    """Whether the quiz's policy lets the worker see right answers and why."""
    policy = attempt.quiz.show_answers
    if policy == Quiz.ShowAnswers.AFTER_ATTEMPT:
        return True
    if policy == Quiz.ShowAnswers.AFTER_PASSING:
        return QuizOutcome.objects.filter(
            quiz_id=attempt.quiz_id, user_id=attempt.user_id, passed=True
        ).exists()
    return False


def attempt_result(*, attempt: QuizAttempt) -> AttemptResult:
    """The graded attempt as the worker may see it (only after submission)."""
    from quizzes.models import QuestionOption

    if attempt.status != QuizAttempt.Status.SUBMITTED:
        raise ValueError("attempt not submitted")
    shown = answers_visible(attempt=attempt)
    answers = list(attempt.answers.select_related("question").order_by("position"))
    options = {
        option.pk: option
        for option in QuestionOption.objects.filter(
            pk__in=[pk for answer in answers for pk in answer.option_order]
        )
    }
    questions = []
    for answer in answers:
        rows = []
        for pk in answer.option_order:
            option = options.get(pk)
            chosen = pk in answer.chosen
            rows.append(
                OptionResult(
                    id=pk,
                    text=option.text if option else "",
                    chosen=chosen,
                    correct=(pk in answer.key) if shown else None,
                    feedback=(option.feedback if option and shown and chosen else ""),
                )
            )
        questions.append(
            QuestionResult(
                position=answer.position,
                stem=answer.question.stem,
                scenario=answer.question.scenario,
                credit=answer.credit or 0.0,
                options=rows,
                explanation=answer.question.explanation if shown else "",
            )
        )
    return AttemptResult(
        attempt_id=attempt.pk,
        number=attempt.number,
        score=attempt.score or 0.0,
        points=attempt.points or 0.0,
        max_points=attempt.max_points or 0.0,
        passed=bool(attempt.passed),
        pass_mark=attempt.pass_mark,
        submit_reason=attempt.submit_reason,
        submitted_at=attempt.submitted_at.isoformat() if attempt.submitted_at else "",
        answers_shown=shown,
        questions=questions,
    )


# -- outcomes for dashboards (scoped by the viewer) ------------------------------


def worker_quiz_outcomes(
    *, viewer, quiz_ids=None, user_ids=None
) -> QuerySet[QuizOutcome]:
    """Per worker and quiz: attempts, first/best/latest score, passed (in scope)."""
    rows = QuizOutcome.objects.filter(user__in=people_for(viewer))
    if quiz_ids is not None:
        rows = rows.filter(quiz_id__in=quiz_ids)
    if user_ids is not None:
        rows = rows.filter(user_id__in=user_ids)
    return rows.select_related("quiz")


def worker_attempt_history(*, viewer, user_id: int, quiz_id: int | None = None):
    """A worker's submitted and open attempts, oldest first (in scope only)."""
    rows = QuizAttempt.objects.filter(user__in=people_for(viewer), user_id=user_id)
    if quiz_id is not None:
        rows = rows.filter(quiz_id=quiz_id)
    return rows.select_related("quiz").order_by("quiz_id", "number")


def worker_mastery(*, viewer, user_ids=None) -> QuerySet[Mastery]:
    """Mastery (0..1, mean credit of quiz, decision and review evidence)."""
    rows = Mastery.objects.filter(user__in=people_for(viewer))
    if user_ids is not None:
        rows = rows.filter(user_id__in=user_ids)
    return rows.select_related("competency")


@dataclass(frozen=True)
class WorkerGain:
    user_id: int
    pre: float | None
    post: float | None
    gain: float | None
    # "", "no_pre", "no_post", or "pre_is_100" (gain undefined: no room to improve)
    undefined_reason: str


def course_tests(*, course) -> tuple[Quiz | None, Quiz | None]:
    quizzes = Quiz.objects.filter(course=course)
    return (
        quizzes.filter(kind=Quiz.Kind.PRE_TEST).order_by("pk").first(),
        quizzes.filter(kind=Quiz.Kind.POST_TEST).order_by("pk").first(),
    )


def course_test_pairs(*, course_ids) -> dict[int, tuple[int, int]]:
    """course id -> (pre-test id, post-test id) for courses with both, in one query.

    The same pairing as course_tests: the first quiz of each kind by id.
    """
    tests: dict[int, dict[str, int]] = {}
    for pk, course_id, kind in (
        Quiz.objects.filter(
            course_id__in=list(course_ids),
            kind__in=[Quiz.Kind.PRE_TEST, Quiz.Kind.POST_TEST],
        )
        .order_by("pk")
        .values_list("pk", "course_id", "kind")
    ):
        tests.setdefault(course_id, {}).setdefault(kind, pk)
    return {
        course_id: (kinds[Quiz.Kind.PRE_TEST], kinds[Quiz.Kind.POST_TEST])
        for course_id, kinds in tests.items()
        if len(kinds) == 2
    }


def worker_gains(*, viewer, course, user_ids=None) -> list[WorkerGain]:
    """Pre-to-post normalised gain per worker, from first attempts of both tests.

    (post − pre) / (100 − pre); undefined (None, reason "pre_is_100") when the
    pre-test score is 100.
    """
    pre_quiz, post_quiz = course_tests(course=course)
    if pre_quiz is None or post_quiz is None:
        return []
    outcomes = worker_quiz_outcomes(
        viewer=viewer, quiz_ids=[pre_quiz.pk, post_quiz.pk], user_ids=user_ids
    ).values_list("user_id", "quiz_id", "first_score")
    pre: dict[int, float] = {}
    post: dict[int, float] = {}
    for user_id, quiz_id, score in outcomes:
        if score is None:
            continue
        (pre if quiz_id == pre_quiz.pk else post)[user_id] = score
    gains = []
    for user_id in sorted(set(pre) | set(post)):
        before, after = pre.get(user_id), post.get(user_id)
        reason = ""
        if before is None:
            reason = "no_pre"
        elif after is None:
            reason = "no_post"
        elif before >= 100:
            reason = "pre_is_100"
        gains.append(
            WorkerGain(
                user_id=user_id,
                pre=before,
                post=after,
                gain=normalised_gain(before, after),
                undefined_reason=reason,
            )
        )
    return gains


@dataclass(frozen=True)
class UnitOutcome:
    org_unit: OrgUnit
    workers_attempted: int
    workers_passed: int
    mean_best_score: float | None
    mean_first_score: float | None


def org_unit_quiz_outcomes(*, viewer, quiz: Quiz, parent: OrgUnit) -> list[UnitOutcome]:
    """Per child unit of `parent` (or `parent` itself if it has none): quiz figures.

    `parent` must be in the viewer's scope (get it with
    cms.scoping.get_org_unit_or_404); workers come from people_for(viewer).
    """
    children = list(
        org_units_for(viewer)
        .filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("name")
    )
    units = children or [parent]
    width = len(units[0].path)
    rows = (
        worker_quiz_outcomes(viewer=viewer, quiz_ids=[quiz.pk])
        .filter(user__profile__org_unit__path__startswith=parent.path)
        .annotate(unit_path=Substr("user__profile__org_unit__path", 1, width))
        .values("unit_path")
        .annotate(
            attempted=Count("pk"),
            passed_count=Count("pk", filter=Q(passed=True)),
            mean_best=Avg("best_score"),
            mean_first=Avg("first_score"),
        )
    )
    by_path = {row["unit_path"]: row for row in rows}
    result = []
    for unit in units:
        row = by_path.get(unit.path, {})
        result.append(
            UnitOutcome(
                org_unit=unit,
                workers_attempted=row.get("attempted", 0),
                workers_passed=row.get("passed_count", 0),
                mean_best_score=row.get("mean_best"),
                mean_first_score=row.get("mean_first"),
            )
        )
    return result


@dataclass(frozen=True)
class CourseGainSummary:
    workers_with_both: int
    mean_pre: float | None
    mean_post: float | None
    mean_gain: float | None  # mean of the defined individual gains
    undefined_gains: int  # workers whose pre-test was 100


def course_gain_summary(*, viewer, course, user_ids=None) -> CourseGainSummary:
    gains = [
        gain
        for gain in worker_gains(viewer=viewer, course=course, user_ids=user_ids)
        if gain.pre is not None and gain.post is not None
    ]
    defined = [gain.gain for gain in gains if gain.gain is not None]

    def mean(values):
        return sum(values) / len(values) if values else None

    return CourseGainSummary(
        workers_with_both=len(gains),
        mean_pre=mean([gain.pre for gain in gains]),
        mean_post=mean([gain.post for gain in gains]),
        mean_gain=mean(defined),
        undefined_gains=len(gains) - len(defined),
    )
