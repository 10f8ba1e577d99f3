from django import template

from media.forms import CaptionUploadForm

register = template.Library()


@register.simple_tag
def caption_upload_form() -> CaptionUploadForm:
    """An empty caption form for wagtailmedia's edit page (its view has none)."""
    return CaptionUploadForm(auto_id="id_caption_%s")
