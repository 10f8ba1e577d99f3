"""Media factories: videos at a given point of their transcode life cycle.

VideoFactory() is a freshly uploaded, queued video (its file is a real tiny clip
only when you pass one; the default bytes are a placeholder that is never probed).
ReadyVideoFactory() looks like a published video (rows only, no outputs in
storage): for lesson and player tests that need a ready video without ffmpeg.
"""

from __future__ import annotations

import factory
from django.core.files.base import ContentFile
from wagtail.models import Collection

from media.models import Video, VideoCaption, VideoRendition
from media.services import transcode_not_sent


class VideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Video

    title = factory.Sequence(lambda n: f"楼组微治理 第{n}讲")
    type = "video"
    duration = 2.0
    width = 320
    height = 240
    collection = factory.LazyFunction(Collection.get_first_root_node)
    file = factory.LazyFunction(
        lambda: ContentFile(b"placeholder, never transcoded", name="lesson.mp4")
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        video = model_class(*args, **kwargs)
        # Tests choose when (and whether) a transcode task is sent.
        with transcode_not_sent():
            video.save()
        return video


class ReadyVideoFactory(VideoFactory):
    class Meta:
        skip_postgeneration_save = True

    status = Video.Status.READY
    progress = 100
    output_prefix = factory.Sequence(lambda n: f"videos/factory-{n}/ready")
    hls_master_name = factory.LazyAttribute(lambda v: f"{v.output_prefix}/master.m3u8")
    mp4_name = factory.LazyAttribute(lambda v: f"{v.output_prefix}/fallback.mp4")
    poster_name = factory.LazyAttribute(lambda v: f"{v.output_prefix}/poster.jpg")

    @factory.post_generation
    def renditions(obj, create, extracted, **kwargs):
        if not create:
            return
        profiles = extracted if extracted is not None else ("270p", "360p")
        sizes = {"270p": (480, 270, 550_000), "360p": (640, 360, 950_000)}
        for profile in profiles:
            width, height, bandwidth = sizes.get(profile, (0, 0, 105_600))
            VideoRendition.objects.create(
                video=obj,
                profile=profile,
                width=width or None,
                height=height or None,
                bandwidth=bandwidth,
                playlist_name=f"{obj.output_prefix}/{profile}/index.m3u8",
            )


class VideoCaptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VideoCaption

    video = factory.SubFactory(ReadyVideoFactory)
    language = VideoCaption.Language.ZH_HANS
    file = factory.LazyFunction(
        lambda: ContentFile(
            "WEBVTT\n\n00:00.000 --> 00:01.500\n大家好\n".encode(), name="zh.vtt"
        )
    )
