"""Chinese text helpers shared by search and the reading-time estimate.

Chinese is written without spaces, so a word is not a whitespace token: search
matches substrings or n-grams of ideograph runs, and reading time counts
characters rather than words.
"""

from __future__ import annotations

import re

# CJK ideographs: the unified block and extension A, compatibility ideographs.
CJK_IDEOGRAPHS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CHARACTER = re.compile(f"[{CJK_IDEOGRAPHS}]")
CJK_RUN = re.compile(f"[{CJK_IDEOGRAPHS}]+")

# Most Chinese words are one to four characters long.
MAX_NGRAM = 4


def cjk_ngrams(text: str, *, max_n: int = MAX_NGRAM) -> str:
    """Every 1- to max_n-character run inside the Chinese text, space-separated.

    Indexed beside the text, it gives Wagtail's token-based search (the admin's
    page search) whole tokens to match: 电梯 is one of the n-grams of 加装电梯.
    """
    grams: set[str] = set()
    for run in CJK_RUN.findall(text):
        for size in range(1, max_n + 1):
            grams.update(run[i : i + size] for i in range(len(run) - size + 1))
    return " ".join(sorted(grams))


def count_cjk(text: str) -> int:
    return len(CJK_CHARACTER.findall(text))


def without_cjk(text: str) -> str:
    """The text with every ideograph replaced by a space (to count Latin words)."""
    return CJK_CHARACTER.sub(" ", text)
