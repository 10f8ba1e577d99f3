"""Lesson search that works for Chinese.

Wagtail's database backend tokenises on whitespace (PostgreSQL's 'simple'
configuration, SQLite's FTS), and Chinese is written without spaces: 电梯 inside
"明园大楼加装电梯" is not a token, so the index never finds it. Lessons keep the
plain text of their script in `search_text`, and this matches substrings of the
title, summary and that text, on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import LessonPage

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
