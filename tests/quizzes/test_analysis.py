"""Item statistics against an independent numpy/scipy computation."""

import numpy as np
import pytest
from scipy import stats

from quizzes.analysis import (
    FLAG_NO_RELIABILITY,
    FLAG_NO_VARIANCE,
    FLAG_TOO_EASY,
    FLAG_TOO_FEW,
    analyse_matrix,
)

# 12 attempts x 5 items, 1/0; item 4 (index 3) everybody got right.
MATRIX = [
    [1, 1, 0, 1, 0], [1, 0, 0, 1, 1], [0, 0, 1, 1, 0], [1, 1, 1, 1, 1],
    [0, 1, 0, 1, 0], [1, 1, 1, 1, 0], [0, 0, 0, 1, 0], [1, 0, 1, 1, 1],
    [1, 1, 0, 1, 1], [0, 1, 1, 1, 0], [1, 1, 1, 1, 1], [0, 0, 0, 1, 1],
]  # fmt: skip
PARTIAL = [
    [1, 0.5, 0, 1], [0.5, 0.5, 1, 0], [1, 1, 1, 1], [0, 0.5, 0, 0.5],
    [1, 0, 0.5, 1], [0.5, 1, 1, 0.5], [0, 0, 0, 0],
]  # fmt: skip


def test_facility_and_corrected_point_biserial_match_numpy():
    figures = analyse_matrix(MATRIX)
    x = np.array(MATRIX, dtype=float)
    total = x.sum(axis=1)
    for j, item in enumerate(figures.items):
        assert item.facility == pytest.approx(x[:, j].mean(), abs=1e-9)
        if j == 3:
            continue  # no variance: checked below
        rest = total - x[:, j]
        r = stats.pearsonr(x[:, j], rest).statistic
        assert item.discrimination == pytest.approx(r, abs=1e-9)


def test_kr20_matches_numpy():
    figures = analyse_matrix(MATRIX)
    x = np.array(MATRIX, dtype=float)
    k = x.shape[1]
    p = x.mean(axis=0)
    kr20 = k / (k - 1) * (1 - (p * (1 - p)).sum() / x.sum(axis=1).var())
    assert figures.reliability_kind == "KR-20"
    assert figures.reliability == pytest.approx(kr20, abs=1e-9)


def test_alpha_for_partial_credit_matches_numpy():
    figures = analyse_matrix(PARTIAL)
    x = np.array(PARTIAL, dtype=float)
    k = x.shape[1]
    alpha = k / (k - 1) * (1 - x.var(axis=0).sum() / x.sum(axis=1).var())
    assert figures.reliability_kind == "alpha"
    assert figures.reliability == pytest.approx(alpha, abs=1e-9)
    for j, item in enumerate(figures.items):
        rest = x.sum(axis=1) - x[:, j]
        assert item.discrimination == pytest.approx(
            np.corrcoef(x[:, j], rest)[0, 1], abs=1e-9
        )


def test_a_question_everybody_answers_the_same_is_flagged_not_divided():
    item = analyse_matrix(MATRIX).items[3]
    assert item.discrimination is None
    assert {flag.code for flag in item.flags} == {FLAG_TOO_EASY, FLAG_NO_VARIANCE}


def test_one_attempt_gives_flags_not_a_division_error():
    figures = analyse_matrix([[1, 0, 1]])
    assert figures.reliability is None
    assert {flag.code for flag in figures.flags} == {FLAG_NO_RELIABILITY, FLAG_TOO_FEW}
    assert "只有 1 次作答" in next(
        f.message for f in figures.flags if f.code == FLAG_TOO_FEW
    )
    assert [item.discrimination for item in figures.items] == [None, None, None]


def test_no_attempts_at_all_give_flags():
    figures = analyse_matrix([])
    assert (figures.attempts, figures.items, figures.reliability) == (0, [], None)
