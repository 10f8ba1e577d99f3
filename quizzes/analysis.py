"""Item analysis: facility, discrimination, KR-20 / alpha, option counts, flags.

`analyse_matrix` is pure (lists in, numbers out) so tests can check it against
numpy; `quiz_analysis` builds the response matrix from submitted attempts.

- facility: mean credit of the item (0..1; the share right for 1/0 items);
- discrimination: corrected item-total point-biserial, the Pearson correlation
  of the item with the total of the *other* items;
- reliability: Cronbach's alpha with population variances, which for 1/0 items
  is KR-20. Computed over attempts that had every item (pools draw different
  questions per attempt).
Any undefined figure (no variance, fewer than two attempts or items) is None
with a flag saying why, never a division error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

TOO_EASY = 0.9
TOO_HARD = 0.2
LOW_DISCRIMINATION = 0.2
MIN_ATTEMPTS = 20

# Flag codes (stable, for JSON) -> message builders.
FLAG_TOO_EASY = "too_easy"
FLAG_TOO_HARD = "too_hard"
FLAG_LOW_DISCRIMINATION = "poorly_discriminating"
FLAG_NO_VARIANCE = "everyone_same"
FLAG_UNUSED_DISTRACTOR = "unused_distractor"
FLAG_TOO_FEW = "too_few_attempts"
FLAG_NO_RELIABILITY = "reliability_undefined"


@dataclass
class Flag:
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _pvariance(values: list[float]) -> float:
    mean = _mean(values)
    return sum((value - mean) ** 2 for value in values) / len(values)


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r, or None when either side has no variance or n < 2."""
    if len(xs) < 2:
        return None
    mx, my = _mean(xs), _mean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-15 or syy <= 1e-15:
        return None
    return sxy / math.sqrt(sxx * syy)


@dataclass
class ItemFigures:
    n: int
    facility: float | None
    discrimination: float | None
    flags: list[Flag] = field(default_factory=list)


@dataclass
class MatrixFigures:
    attempts: int
    items: list[ItemFigures]
    reliability: float | None
    reliability_kind: str  # "KR-20" or "alpha"
    reliability_n: int
    flags: list[Flag] = field(default_factory=list)


def analyse_matrix(rows: list[list[float | None]]) -> MatrixFigures:
    """Figures for a response matrix: one row per attempt, one column per item.

    A cell is the credit (0..1), or None if the attempt did not have the item.
    """
    width = len(rows[0]) if rows else 0
    items: list[ItemFigures] = []
    for j in range(width):
        present = [row for row in rows if row[j] is not None]
        scores = [row[j] for row in present]
        rest = [
            sum(v for k, v in enumerate(row) if k != j and v is not None)
            for row in present
        ]
        item = ItemFigures(n=len(present), facility=None, discrimination=None)
        if present:
            item.facility = _mean(scores)
            item.discrimination = pearson(scores, rest)
            if item.facility > TOO_EASY:
                item.flags.append(Flag(FLAG_TOO_EASY, _("太容易（通过率高于 90%）")))
            if item.facility < TOO_HARD:
                item.flags.append(Flag(FLAG_TOO_HARD, _("太难（通过率低于 20%）")))
            if _pvariance(scores) <= 1e-15:
                item.flags.append(
                    Flag(FLAG_NO_VARIANCE, _("所有人得分相同，无法计算区分度"))
                )
            elif item.discrimination is None:
                item.flags.append(
                    Flag(
                        FLAG_LOW_DISCRIMINATION, _("其余题目总分无差异，无法计算区分度")
                    )
                )
            elif item.discrimination < LOW_DISCRIMINATION:
                item.flags.append(
                    Flag(FLAG_LOW_DISCRIMINATION, _("区分度低（低于 0.2）"))
                )
        items.append(item)

    complete = [row for row in rows if all(value is not None for value in row)]
    dichotomous = all(value in (0, 1, 0.0, 1.0) for row in complete for value in row)
    kind = "KR-20" if dichotomous else "alpha"
    reliability = None
    flags: list[Flag] = []
    if width >= 2 and len(complete) >= 2:
        totals = [sum(row) for row in complete]
        total_variance = _pvariance(totals)
        if total_variance > 1e-15:
            item_variance = sum(
                _pvariance([row[j] for row in complete]) for j in range(width)
            )
            reliability = (width / (width - 1)) * (1 - item_variance / total_variance)
    if reliability is None:
        flags.append(
            Flag(
                FLAG_NO_RELIABILITY,
                _("信度无法计算（需要至少 2 道题、2 次完整作答且总分有差异）"),
            )
        )
    if len(rows) < MIN_ATTEMPTS:
        flags.append(
            Flag(
                FLAG_TOO_FEW,
                _("只有 %(n)d 次作答，少于 %(min)d 次，数字仅供参考")
                % {"n": len(rows), "min": MIN_ATTEMPTS},
            )
        )
    return MatrixFigures(
        attempts=len(rows),
        items=items,
        reliability=reliability,
        reliability_kind=kind,
        reliability_n=len(complete),
        flags=flags,
    )


# -- from the database -------------------------------------------------------------


@dataclass
class OptionCount:
    option_id: int
    letter: str
    text: str
    is_correct: bool
    count: int


@dataclass
class ItemReport:
    question_id: int
    label: str
    figures: ItemFigures
    options: list[OptionCount]


@dataclass
class QuizReport:
    quiz_id: int
    title: str
    first_attempts_only: bool
    figures: MatrixFigures
    items: list[ItemReport]
    mean_score: float | None

    def as_dict(self) -> dict:
        return {
            "quiz_id": self.quiz_id,
            "title": self.title,
            "first_attempts_only": self.first_attempts_only,
            "attempts": self.figures.attempts,
            "mean_score": self.mean_score,
            "reliability": self.figures.reliability,
            "reliability_kind": self.figures.reliability_kind,
            "reliability_attempts": self.figures.reliability_n,
            "flags": [flag.as_dict() for flag in self.figures.flags],
            "items": [
                {
                    "question_id": item.question_id,
                    "question": item.label,
                    "n": item.figures.n,
                    "facility": item.figures.facility,
                    "discrimination": item.figures.discrimination,
                    "flags": [flag.as_dict() for flag in item.figures.flags],
                    "options": [
                        {
                            "option_id": option.option_id,
                            "letter": option.letter,
                            "text": option.text,
                            "correct": option.is_correct,
                            "count": option.count,
                        }
                        for option in item.options
                    ],
                }
                for item in self.items
            ],
        }


LETTERS = "ABCDEFGH"


@dataclass
class ResponseMatrix:
    question_ids: list[int]
    attempts: list  # QuizAttempt rows, in order
    credits: list[list[float | None]]
    chosen: list[list[list[int] | None]]


def response_matrix(*, quiz, first_attempts_only: bool = True) -> ResponseMatrix:
    from quizzes.models import AttemptAnswer, QuizAttempt

    attempts = QuizAttempt.objects.filter(
        quiz=quiz, status=QuizAttempt.Status.SUBMITTED
    ).order_by("user_id", "number")
    if first_attempts_only:
        attempts = attempts.filter(number=1)
    attempts = list(attempts)
    answers = AttemptAnswer.objects.filter(attempt__in=attempts).values_list(
        "attempt_id", "question_id", "position", "credit", "chosen"
    )
    by_attempt: dict[int, dict[int, tuple[float, list[int]]]] = {}
    first_position: dict[int, int] = {}
    for attempt_id, question_id, position, credit, chosen in answers:
        by_attempt.setdefault(attempt_id, {})[question_id] = (credit or 0.0, chosen)
        first_position[question_id] = min(
            position, first_position.get(question_id, position)
        )
    question_ids = sorted(first_position, key=lambda q: (first_position[q], q))
    credits, chosen = [], []
    for attempt in attempts:
        row = by_attempt.get(attempt.pk, {})
        credits.append([row[q][0] if q in row else None for q in question_ids])
        chosen.append([row[q][1] if q in row else None for q in question_ids])
    return ResponseMatrix(question_ids, attempts, credits, chosen)


def quiz_analysis(*, quiz, first_attempts_only: bool = True) -> QuizReport:
    from quizzes.models import Question

    matrix = response_matrix(quiz=quiz, first_attempts_only=first_attempts_only)
    figures = analyse_matrix(matrix.credits)
    questions = {
        question.pk: question
        for question in Question.objects.filter(
            pk__in=matrix.question_ids
        ).prefetch_related("options")
    }
    items = []
    for j, question_id in enumerate(matrix.question_ids):
        question = questions[question_id]
        counts: dict[int, int] = {}
        for row in matrix.chosen:
            for option_id in row[j] or []:
                counts[option_id] = counts.get(option_id, 0) + 1
        options = [
            OptionCount(
                option_id=option.pk,
                letter=LETTERS[index] if index < len(LETTERS) else str(index + 1),
                text=option.text,
                is_correct=option.is_correct,
                count=counts.get(option.pk, 0),
            )
            for index, option in enumerate(
                sorted(question.options.all(), key=lambda o: (o.sort_order, o.pk))
            )
        ]
        unused = [o.letter for o in options if not o.is_correct and o.count == 0]
        if unused and figures.items[j].n:
            figures.items[j].flags.append(
                Flag(
                    FLAG_UNUSED_DISTRACTOR,
                    _("干扰项无人选择：%s") % "、".join(unused),
                )
            )
        items.append(
            ItemReport(
                question_id=question_id,
                label=str(question),
                figures=figures.items[j],
                options=options,
            )
        )
    scores = [attempt.score for attempt in matrix.attempts if attempt.score is not None]
    return QuizReport(
        quiz_id=quiz.pk,
        title=quiz.title,
        first_attempts_only=first_attempts_only,
        figures=figures,
        items=items,
        mean_score=_mean(scores) if scores else None,
    )


def option_letters(question) -> dict[int, str]:
    options = sorted(question.options.all(), key=lambda o: (o.sort_order, o.pk))
    return {option.pk: LETTERS[index] for index, option in enumerate(options)}
