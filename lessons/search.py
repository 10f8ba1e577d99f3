"""Lesson search that works for Chinese.

Wagtail's database backend tokenises on whitespace (PostgreSQL's 'simple'
configuration, SQLite's FTS), and Chinese is written without spaces: 电梯 inside
"明园大楼加装电梯" is not a token, so the plain index never finds it. Two answers:

- the learner's catalogue calls `lessons_search`, which matches substrings of
  the title, summary and `search_text` (the script's plain text, kept on save),
  on PostgreSQL and SQLite alike, for a query of any length;
- Wagtail's own index (the admin's page search) also gets `cjk_ngrams` of that
  text, so words of up to four characters are whole tokens there.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

if TYPE_CHECKING:
    from .models import LessonPage

MAX_TERMS = 5
# Most Chinese words are one to four characters long.
MAX_NGRAM = 4
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def cjk_ngrams(text: str, *, max_n: int = MAX_NGRAM) -> str:
    """Every 1- to max_n-character run inside the Chinese text, space-separated.

    Indexed beside the text, it gives Wagtail's token-based search (the admin's
    page search) whole tokens to match: 电梯 is one of the n-grams of 加装电梯.
    """
    grams: set[str] = set()
    for run in _CJK_RUN.findall(text):
        for size in range(1, max_n + 1):
            grams.update(run[i : i + size] for i in range(len(run) - size + 1))
    return " ".join(sorted(grams))


def lessons_search(*, viewer, query: str) -> QuerySet[LessonPage]:
    """Live lessons this viewer may open whose text contains every term of the query.

    Terms are separated by whitespace ("电梯 法治" needs both); a blank query or an
    anonymous viewer finds nothing.
    """
    from .models import LessonPage

    terms = query.split()[:MAX_TERMS]
    if not terms or not viewer.is_authenticated:
        return LessonPage.objects.none()
    lessons = LessonPage.objects.live().public()
    for term in terms:
        lessons = lessons.filter(
            Q(title__icontains=term)
            | Q(summary__icontains=term)
            | Q(search_text__icontains=term)
        )
    return lessons.order_by("path")
