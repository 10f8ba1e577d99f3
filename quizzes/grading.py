"""Pure grading rules (no ORM): the credit of one answer, the score of an attempt."""

from __future__ import annotations

from collections.abc import Iterable

MULTIPLE = "multiple"


def answer_credit(*, question_type: str, key: Iterable[int], chosen: Iterable[int]):
    """Credit in [0, 1] for the options chosen against the key.

    Single choice, true/false and scenario questions: 1 for the right option, else
    0. Multiple choice (多选题): 0 if any wrong option is chosen, otherwise the
    share of the right options found (少选得部分分), 1 for all of them.
    """
    key_set, chosen_set = set(key), set(chosen)
    if not chosen_set or not key_set:
        return 0.0
    if question_type != MULTIPLE:
        return 1.0 if chosen_set == key_set else 0.0
    if chosen_set - key_set:
        return 0.0
    return len(chosen_set & key_set) / len(key_set)


def percent(points: float, max_points: float) -> float:
    """Score out of 100, rounded to one decimal (0 for an empty quiz)."""
    if max_points <= 0:
        return 0.0
    return round(100.0 * points / max_points, 1)


def normalised_gain(pre: float | None, post: float | None) -> float | None:
    """Hake's normalised gain (post − pre) / (100 − pre), scores out of 100.

    None when either score is missing, and when pre is 100: there is no room to
    gain, so the gain is undefined (never a division by zero, never 0 or 1).
    """
    if pre is None or post is None or pre >= 100:
        return None
    return (post - pre) / (100.0 - pre)
