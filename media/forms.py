"""Admin forms: wagtailmedia's upload form with probing, and the caption upload."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from wagtailmedia.forms import BaseMediaForm

from media.ffmpeg.errors import MediaRejected
from media.models import VideoCaption
from media.services import video_apply_probe, video_probe_upload


class VideoForm(BaseMediaForm):
    """wagtailmedia's media form (WAGTAILMEDIA["MEDIA_FORM_BASE"]) that probes a new
    file before accepting it, so a refused upload shows the trainer why."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.probe = None

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):
            try:
                self.probe = video_probe_upload(file=file, kind=self.instance.type)
            except MediaRejected as exc:
                raise ValidationError(str(exc.reason), code=exc.code) from exc
        return file

    def save(self, commit=True):
        if self.probe is not None:
            video_apply_probe(video=self.instance, probe=self.probe)
        return super().save(commit=commit)


class CaptionUploadForm(forms.Form):
    language = forms.ChoiceField(
        label=_("语言"),
        choices=VideoCaption.Language.choices,
        initial=VideoCaption.Language.ZH_HANS,
    )
    label = forms.CharField(label=_("显示名称"), max_length=64, required=False)
    file = forms.FileField(
        label=_("字幕文件（WebVTT 或 SRT）"),
        widget=forms.FileInput(attrs={"accept": ".vtt,.srt,text/vtt"}),
    )
