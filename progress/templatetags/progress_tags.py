"""Template access to the progress selectors, always for the signed-in viewer."""

from django import template

from progress import selectors

register = template.Library()


def _viewer(context):
    return context["request"].user


@register.simple_tag(takes_context=True)
def feed_progress(context) -> selectors.FeedProgress:
    """The feed's progress sections, the lessons to continue with their pictures
    as the lessons app draws its cards (joined here, above both apps)."""
    from dataclasses import replace

    from lessons.selectors import lesson_cards

    feed = selectors.feed_progress(viewer=_viewer(context))
    cards = lesson_cards([entry.lesson for entry in feed.continue_entries])
    return replace(
        feed,
        continue_entries=[
            replace(entry, card=card)
            for entry, card in zip(feed.continue_entries, cards, strict=True)
        ],
    )


@register.simple_tag(takes_context=True)
def lesson_progress(context, lesson):
    return selectors.lesson_progress_for(viewer=_viewer(context), lesson=lesson)


@register.simple_tag(takes_context=True)
def lesson_end_card(context, lesson) -> selectors.EndCard:
    return selectors.lesson_end_card(viewer=_viewer(context), lesson=lesson)


@register.filter
def minutes(seconds) -> int:
    return round((seconds or 0) / 60)


@register.filter
def get_lesson(lessons, pk):
    return lessons.get(pk) if lessons and pk else None


@register.filter
def abs_days(days) -> int:
    return abs(int(days or 0))
