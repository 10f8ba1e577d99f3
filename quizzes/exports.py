"""The raw response matrix as rows: for export_responses and the report's export."""

from __future__ import annotations

from quizzes.analysis import LETTERS, response_matrix
from quizzes.models import Question


def response_rows(*, quiz, first_attempts_only: bool = False) -> list[list]:
    """Header, then one row per attempt: worker id, attempt number, submitted at,
    then per question its credit (1/0 or partial) and the option letters chosen."""
    matrix = response_matrix(quiz=quiz, first_attempts_only=first_attempts_only)
    letters: dict[int, dict[int, str]] = {}
    for question in Question.objects.filter(
        pk__in=matrix.question_ids
    ).prefetch_related("options"):
        options = sorted(question.options.all(), key=lambda o: (o.sort_order, o.pk))
        letters[question.pk] = {o.pk: LETTERS[i] for i, o in enumerate(options)}
    header = ["worker_id", "attempt", "submitted_at"]
    for question_id in matrix.question_ids:
        header += [f"q{question_id}", f"q{question_id}_chosen"]
    rows = [header]
    for attempt, credits, chosen in zip(
        matrix.attempts, matrix.credits, matrix.chosen, strict=True
    ):
        row = [
            attempt.user_id,
            attempt.number,
            attempt.submitted_at.isoformat() if attempt.submitted_at else "",
        ]
        for question_id, credit, picks in zip(
            matrix.question_ids, credits, chosen, strict=True
        ):
            if credit is None:
                row += ["", ""]
                continue
            names = letters.get(question_id, {})
            row += [
                int(credit) if credit in (0, 1) else round(credit, 4),
                "".join(sorted(names.get(pk, "?") for pk in picks or [])),
            ]
        rows.append(row)
    return rows
