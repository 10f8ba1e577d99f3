"""Template access to the lessons selectors, always for the signed-in viewer."""

from django import template

from lessons import selectors

register = template.Library()

AVATAR_COLOURS = 6


def _viewer(context):
    return context["request"].user


@register.simple_tag(takes_context=True)
def catalogue(context) -> selectors.Catalogue:
    """The catalogue narrowed by ?topic=, ?instructor_type= and ?q=."""
    params = context["request"].GET
    return selectors.catalogue(
        viewer=_viewer(context),
        topic=params.get("topic") or None,
        instructor_type=params.get("instructor_type") or None,
        query=params.get("q", "")[:100],
    )


@register.simple_tag(takes_context=True)
def course_lessons(context, course) -> list[selectors.CourseLesson]:
    return selectors.course_lessons(viewer=_viewer(context), course=course)


@register.simple_tag(takes_context=True)
def lesson_decisions(context, lesson) -> dict:
    return selectors.lesson_decisions(viewer=_viewer(context), lesson=lesson)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def avatar_colour(character) -> int:
    """A stable colour per character, so a speaker looks the same in every lesson."""
    return (character.pk or 0) % AVATAR_COLOURS


@register.simple_tag
def decision_outcome(decision_id, decision_value, choice):
    """The outcome of a choice the viewer has already made (and so may see)."""
    if not choice or choice.option_index >= len(decision_value["options"]):
        return None  # the trainer removed that option since
    return selectors.decision_outcome(
        decision_id=decision_id,
        decision_value=decision_value,
        option_index=choice.option_index,
    )


@register.filter
def megabytes(size_bytes) -> str:
    return f"{(size_bytes or 0) / 1_000_000:.1f}"


@register.filter
def clock(seconds) -> str:
    """A duration as m:ss, the way video players show it."""
    total = round(float(seconds or 0))
    return f"{total // 60}:{total % 60:02d}"


@register.simple_tag
def video_engine(video) -> str:
    """ "mp4" or "hls": how the player delivers this video (lessons.delivery)."""
    from lessons import delivery

    return delivery.video_engine(video)
