"""Template access to the lessons selectors, always for the signed-in viewer.

Every learner page gets its data this way (not from Page.get_context), so the
page models never import the selectors.
"""

from django import template

from lessons import decisions, selectors, story

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
def lesson_story(context, lesson) -> story.Story:
    """The viewer's path through the lesson; in a trainer's preview, every branch."""
    if getattr(context["request"], "is_preview", False):
        return story.lesson_story_preview(lesson=lesson)
    return story.lesson_story(viewer=_viewer(context), lesson=lesson)


@register.simple_tag(takes_context=True)
def home_feed(context) -> selectors.HomeFeed:
    return selectors.home_feed(viewer=_viewer(context))


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def avatar_colour(character) -> int:
    """A stable colour per character, so a speaker looks the same in every lesson."""
    return (character.pk or 0) % AVATAR_COLOURS


@register.simple_tag(takes_context=True)
def decision_outcome(context, decision_id, state):
    """The outcome of a choice the viewer has already made (and so may see)."""
    return decisions.decision_outcome_of(
        lesson=context["page"], decision_id=decision_id, state=state
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
def first_choice_template() -> str:
    """The first-choice note with its placeholders, for story.js to fill in."""
    return str(decisions.FIRST_CHOICE_NOTE)


@register.simple_tag
def video_engine(video) -> str:
    """ "mp4" or "hls": how the player delivers this video (lessons.delivery)."""
    from lessons import delivery

    return delivery.video_engine(video)
