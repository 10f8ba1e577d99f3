"""Template tags for pages that play a video.

    {% load media_tags %}
    {% video_sources video as sources %}
    {% if sources %}<video poster="{{ sources.poster }}" data-hls="{{ sources.hls }}"
      data-mp4="{{ sources.mp4 }}">
      {% for c in sources.captions %}<track src="{{ c.url }}" …>{% endfor %}
    {% endif %}

The URLs are signed for the viewer's session and the page being served (or a
staff preview); see media/delivery.py. None when the video is not ready or the
viewer may not have it.
"""

from django import template

from media.delivery import (
    VideoSources,
    poster_url_for_request,
    video_sources_for_request,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def video_sources(context, video) -> VideoSources | None:
    request = context.get("request")
    if video is None or request is None:
        return None
    return video_sources_for_request(
        video=video, request=request, page=context.get("page")
    )


@register.simple_tag(takes_context=True)
def video_poster_url(context, video, page) -> str | None:
    """{% video_poster_url video lesson as poster %}: the poster, signed for the
    viewer and the live lesson that shows the video (cards in a feed)."""
    request = context.get("request")
    if video is None or request is None:
        return None
    return poster_url_for_request(video=video, request=request, page=page)
