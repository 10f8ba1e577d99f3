from django import template

from media.forms import CaptionUploadForm
from media.selectors import video_listing_rows

register = template.Library()


@register.simple_tag
def caption_upload_form() -> CaptionUploadForm:
    """An empty caption form for wagtailmedia's edit page (its view has none)."""
    return CaptionUploadForm(auto_id="id_caption_%s")


@register.simple_tag(takes_context=True)
def video_rows(context, videos) -> list[dict]:
    """The listing's rows (video, lessons using it) for wagtailmedia's list view."""
    return video_listing_rows(user=context["request"].user, videos=videos)


@register.filter
def clock(seconds) -> str:
    """A duration as m:ss (or h:mm:ss), the way a video player shows it."""
    if not seconds:
        return "–"
    total = round(float(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
