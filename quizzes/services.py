"""Attempts: start (or resume), save an answer, submit and grade. Server side only.

The one module that changes an attempt's status. Grading happens once: submit
locks the attempt row (SELECT ... FOR UPDATE) inside a transaction; a second
submit, from another tab or a retry, waits for the lock, finds the attempt
graded, and returns the same stored result.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quizzes.grading import answer_credit, percent
from quizzes.models import (
    AttemptAnswer,
    Question,
    Quiz,
    QuizAttempt,
    QuizOutcome,
)


class AttemptError(Exception):
    """A request about an attempt that cannot be honoured; str() is for the learner."""


class AttemptsExhausted(AttemptError):
    pass


class AttemptClosed(AttemptError):
    pass


class TimeUp(AttemptClosed):
    pass


class InvalidAnswer(AttemptError):
    pass


class QuizEmpty(AttemptError):
    pass


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


# -- drawing the questions ---------------------------------------------------------


def parallel_form(questions: list[Question], *, form: str, salt: str) -> list[Question]:
    """One half of a pool for parallel forms A and B (disjoint, same competency).

    The pool is ordered by id, shuffled with a seed fixed by `salt` (course and
    competency), and split alternately, so both forms stay stable as long as the
    pool does.
    """
    if form == Quiz.Form.ALL:
        return questions
    ordered = sorted(questions, key=lambda question: question.pk)
    random.Random(salt).shuffle(ordered)
    offset = 0 if form == Quiz.Form.A else 1
    return ordered[offset::2]


def quiz_draw(*, quiz: Quiz, rng: random.Random) -> list[Question]:
    """The questions of a new attempt: the fixed items, then each pool's draw."""
    chosen: list[Question] = [
        item.question
        for item in quiz.items.select_related("question").order_by("sort_order")
    ]
    taken = {question.pk for question in chosen}
    for pool in quiz.pools.select_related("competency").order_by("sort_order"):
        candidates = Question.objects.filter(competencies=pool.competency)
        if pool.category_id:
            candidates = candidates.filter(category_id=pool.category_id)
        candidates = parallel_form(
            list(candidates.distinct()),
            form=quiz.form,
            salt=f"{quiz.course_id or 0}:{pool.competency_id}",
        )
        candidates = [question for question in candidates if question.pk not in taken]
        for question in rng.sample(candidates, min(pool.count, len(candidates))):
            chosen.append(question)
            taken.add(question.pk)
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    return chosen


# -- start ---------------------------------------------------------------------------


def attempts_left(*, quiz: Quiz, user) -> int | None:
    """How many more attempts may be started (None: unlimited)."""
    if not quiz.attempts_allowed:
        return None
    used = QuizAttempt.objects.filter(quiz=quiz, user=user).count()
    return max(0, quiz.attempts_allowed - used)


def attempt_start(*, user, quiz: Quiz, now: datetime | None = None) -> QuizAttempt:
    """The user's open attempt (resumed), or a new one if attempts are left.

    Raises AttemptsExhausted with a message for the learner. Two racing starts
    can both compute the same next number; the unique (quiz, user, number) and
    one-open-attempt constraints let only one insert win, and the loser resumes
    the winner's attempt, so the limit holds under any concurrency.
    """
    now = _now(now)
    for _round in range(3):
        # One statement, so the open attempt and the next number come from the
        # same snapshot: with two reads, a rival's commit between them made a
        # learner with an open attempt look as if every attempt was used.
        latest = (
            QuizAttempt.objects.filter(quiz=quiz, user=user).order_by("-number").first()
        )
        if latest is not None and latest.status == QuizAttempt.Status.IN_PROGRESS:
            if latest.deadline and now > latest.deadline:
                attempt_submit(
                    user=user,
                    attempt_id=latest.pk,
                    now=now,
                    reason=QuizAttempt.SubmitReason.TIME_UP,
                )
                continue
            return latest
        number = (latest.number if latest is not None else 0) + 1
        if quiz.attempts_allowed and number > quiz.attempts_allowed:
            raise AttemptsExhausted(
                _("本测验最多可作答 %(count)d 次，你已全部用完。")
                % {"count": quiz.attempts_allowed}
            )
        try:
            return _create_attempt(user=user, quiz=quiz, number=number, now=now)
        except IntegrityError:
            continue  # someone else created it first: look again
    raise AttemptError(_("同时开始了多次作答，请刷新页面。"))


def _create_attempt(*, user, quiz: Quiz, number: int, now: datetime) -> QuizAttempt:
    seed = random.SystemRandom().randrange(2**62)
    rng = random.Random(seed)
    questions = quiz_draw(quiz=quiz, rng=rng)
    if not questions:
        raise QuizEmpty(_("这个测验还没有题目。"))
    with transaction.atomic():
        attempt = QuizAttempt.objects.create(
            quiz=quiz,
            user=user,
            number=number,
            pass_mark=quiz.pass_mark,
            seed=seed,
            deadline=(
                now + timedelta(minutes=quiz.time_limit_minutes)
                if quiz.time_limit_minutes
                else None
            ),
        )
        answers = []
        for position, question in enumerate(questions, start=1):
            options = list(question.options.order_by("sort_order", "pk"))
            if quiz.shuffle_options and question.type != Question.Type.TRUE_FALSE:
                rng.shuffle(options)
            answers.append(
                AttemptAnswer(
                    attempt=attempt,
                    position=position,
                    question=question,
                    question_revision_id=question.latest_revision_id,
                    option_order=[option.pk for option in options],
                    key=[option.pk for option in options if option.is_correct],
                )
            )
        AttemptAnswer.objects.bulk_create(answers)
    return attempt


# -- answering -----------------------------------------------------------------------


def attempt_answer_save(
    *,
    user,
    attempt_id: int,
    position: int,
    option_ids: list[int],
    now: datetime | None = None,
) -> AttemptAnswer:
    """Store the options chosen for one question of an open attempt.

    Saved under the attempt's row lock, so an answer never lands in an attempt
    being graded; after the deadline nothing is saved (TimeUp).
    """
    now = _now(now)
    with transaction.atomic():
        attempt = (
            QuizAttempt.objects.select_for_update().filter(pk=attempt_id, user=user)
        ).first()
        if attempt is None:
            raise QuizAttempt.DoesNotExist
        if not attempt.is_open:
            raise AttemptClosed(_("这次作答已经提交，不能再修改答案。"))
        if attempt.deadline and now > attempt.deadline:
            raise TimeUp(_("作答时间已到，截止前保存的答案将被评分。"))
        answer = (
            attempt.answers.select_related("question").filter(position=position).first()
        )
        if answer is None:
            raise InvalidAnswer(_("没有这道题。"))
        chosen = list(dict.fromkeys(int(option) for option in option_ids))
        if any(option not in answer.option_order for option in chosen):
            raise InvalidAnswer(_("所选选项不属于这道题。"))
        if answer.question.type != Question.Type.MULTIPLE and len(chosen) > 1:
            raise InvalidAnswer(_("这道题只能选一个答案。"))
        answer.chosen = chosen
        answer.answered_at = now if chosen else None
        answer.save(update_fields=["chosen", "answered_at"])
    return answer


# -- submitting and grading -----------------------------------------------------------


@dataclass(frozen=True)
class Graded:
    attempt: QuizAttempt
    newly_graded: bool


def attempt_submit(
    *,
    user,
    attempt_id: int,
    now: datetime | None = None,
    reason: str = QuizAttempt.SubmitReason.LEARNER,
) -> QuizAttempt:
    """Grade the attempt once and return it; later calls return the same result."""
    return attempt_grade(
        user=user, attempt_id=attempt_id, now=now, reason=reason
    ).attempt


def attempt_grade(
    *,
    user,
    attempt_id: int,
    now: datetime | None = None,
    reason: str = QuizAttempt.SubmitReason.LEARNER,
) -> Graded:
    from quizzes.outcomes import evidence_for_attempt, outcome_refresh
    from quizzes.review import review_cards_from_attempt

    now = _now(now)
    with transaction.atomic():
        attempt = (
            QuizAttempt.objects.select_for_update()
            .filter(pk=attempt_id, user=user)
            .first()
        )
        if attempt is None:
            raise QuizAttempt.DoesNotExist
        if not attempt.is_open:
            return Graded(attempt=attempt, newly_graded=False)
        submitted_at = now
        if attempt.deadline and now > attempt.deadline:
            # Time ran out: grade what was saved by the deadline, dated then.
            reason = QuizAttempt.SubmitReason.TIME_UP
            submitted_at = attempt.deadline
        answers = list(attempt.answers.select_related("question"))
        points = 0.0
        for answer in answers:
            in_time = answer.answered_at is not None and (
                attempt.deadline is None or answer.answered_at <= attempt.deadline
            )
            answer.credit = (
                answer_credit(
                    question_type=answer.question.type,
                    key=answer.key,
                    chosen=answer.chosen,
                )
                if in_time
                else 0.0
            )
            points += answer.credit
        AttemptAnswer.objects.bulk_update(answers, ["credit"])
        attempt.points = points
        attempt.max_points = float(len(answers))
        attempt.score = percent(points, attempt.max_points)
        attempt.passed = attempt.score >= attempt.pass_mark
        attempt.status = QuizAttempt.Status.SUBMITTED
        attempt.submit_reason = reason
        attempt.submitted_at = submitted_at
        attempt.save()
        outcome_refresh(user=attempt.user, quiz=attempt.quiz)
        evidence_for_attempt(attempt=attempt, answers=answers)
        review_cards_from_attempt(attempt=attempt, answers=answers)
        transaction.on_commit(lambda: _progress_refresh(attempt))
    return Graded(attempt=attempt, newly_graded=True)


def _progress_refresh(attempt: QuizAttempt) -> None:
    """Tell the progress app (when installed) that a lesson's quiz result changed."""
    from django.apps import apps

    if not apps.is_installed("progress"):
        return
    from lessons.models import LessonPage
    from progress.services.progress import lesson_progress_refresh

    for lesson in LessonPage.objects.filter(quiz_placements__quiz_id=attempt.quiz_id):
        lesson_progress_refresh(user=attempt.user, lesson=lesson)


def attempts_expired_submit(*, now: datetime | None = None) -> int:
    """Grade every open attempt whose deadline has passed (for a periodic task)."""
    now = _now(now)
    count = 0
    for attempt in QuizAttempt.objects.filter(
        status=QuizAttempt.Status.IN_PROGRESS, deadline__lt=now
    ).select_related("user"):
        if attempt_grade(
            user=attempt.user,
            attempt_id=attempt.pk,
            now=now,
            reason=QuizAttempt.SubmitReason.TIME_UP,
        ).newly_graded:
            count += 1
    return count


__all__ = [
    "AttemptClosed",
    "AttemptError",
    "AttemptsExhausted",
    "Graded",
    "InvalidAnswer",
    "QuizEmpty",
    "QuizOutcome",
    "TimeUp",
    "attempt_answer_save",
    "attempt_grade",
    "attempt_start",
    "attempt_submit",
    "attempts_expired_submit",
    "attempts_left",
    "parallel_form",
    "quiz_draw",
]
