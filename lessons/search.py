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

from django.db.models import Q, QuerySet

from .cjk import cjk_ngrams
from .models import LessonPage

__all__ = ["cjk_ngrams", "lessons_search"]

MAX_TERMS = 5


def lessons_search(*, viewer, query: str) -> QuerySet[LessonPage]:
    """Live lessons this viewer may open whose text contains every term of the query.

    Terms are separated by whitespace ("电梯 法治" needs both); a blank query or an
    anonymous viewer finds nothing.
    """
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
