"""Factories for lessons: snippets, the page tree and story scripts.

course = CoursePageFactory()
lesson = LessonPageFactory(
    parent=course,
    script=Script().scene("start", "楼道里").dialogue(resident, "谁来管？")
    .decision("怎么办？", [option("开会", jump_to="meeting"), option("等等看")])
    .scene("meeting", "议事会").build(),
)
"""

from __future__ import annotations

import uuid

import factory
from wagtail.models import Page

from lessons.blocks import Rating
from lessons.models import (
    Character,
    CourseIndexPage,
    CoursePage,
    Instructor,
    LearningHomePage,
    LessonPage,
    Topic,
)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"测试主题{n}")
    slug = factory.Sequence(lambda n: f"test-topic-{n}")


class InstructorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instructor

    name = factory.Sequence(lambda n: f"讲师{n}")
    type = Instructor.Type.COMMUNITY_PLANNER
    bio = "长期驻点杨浦的社区规划师。"


class CharacterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Character

    name = factory.Sequence(lambda n: f"王阿姨{n}")
    role = Character.Role.RESIDENT


def video_row(*, duration: float = 60, title: str = "演示视频", **fields):
    """A Video row with a known duration and no file behind it (for arithmetic)."""
    from media.models import Video

    # Created ready, so media's signals queue no transcode for the missing file.
    fields.setdefault("status", Video.Status.READY)
    return Video.objects.create(
        title=title, file=f"media/{uuid.uuid4().hex}.mp4", type="video",
        duration=duration, **fields,
    )  # fmt: skip


def rendition_row(video, profile: str, *, bandwidth: int, size_bytes: int = 0):
    """A published rendition row of a known size and bandwidth (no files)."""
    from media.models import VideoRendition

    height = int(profile.rstrip("p"))
    return VideoRendition.objects.create(
        video=video, profile=profile, width=height * 16 // 9, height=height,
        bandwidth=bandwidth, size_bytes=size_bytes,
        playlist_name=f"videos/{video.pk}/{profile}.m3u8",
    )  # fmt: skip


def learning_home() -> LearningHomePage:
    """The site root created by the lessons data migration."""
    return LearningHomePage.objects.get()


def course_index() -> CourseIndexPage:
    """The one catalogue page under the home page, created if missing."""
    existing = CourseIndexPage.objects.first()
    if existing:
        return existing
    index = CourseIndexPage(title="课程", slug="courses")
    learning_home().add_child(instance=index)
    return index


class _PageFactory(factory.django.DjangoModelFactory):
    """Pages go into the tree with treebeard's add_child, never a bare save."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, parent: Page | None = None, **kwargs):
        parent = parent or cls._default_parent()
        m2m = {
            name: kwargs.pop(name) for name in ("instructors", "tags") if name in kwargs
        }
        page = model_class(*args, **kwargs)
        for name, values in m2m.items():
            getattr(page, name).set(values)
        parent.add_child(instance=page)
        return page

    @classmethod
    def _default_parent(cls) -> Page:
        raise NotImplementedError


class CoursePageFactory(_PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"课程{n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    summary = "一组讲社区微治理的故事课。"

    @classmethod
    def _default_parent(cls) -> Page:
        return course_index()


class LessonPageFactory(_PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"微课{n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    summary = "一个楼组的故事。"
    script = factory.LazyFunction(list)

    @classmethod
    def _default_parent(cls) -> Page:
        return CoursePageFactory()


def option(
    label: str,
    *,
    consequence: str = "大家的反应各不相同。",
    rating: str = Rating.ACCEPTABLE,
    jump_to: str = "",
) -> dict:
    """One decision option in the script's raw (JSON) form."""
    return {
        "label": label,
        "consequence": consequence,
        "rating": str(rating),
        "jump_to": jump_to,
    }


class Script:
    """Builds a script in StreamField's raw JSON form, one block per call."""

    def __init__(self) -> None:
        self.blocks: list[dict] = []

    def _add(self, block_type: str, value) -> Script:
        self.blocks.append(
            {"type": block_type, "value": value, "id": str(uuid.uuid4())}
        )
        return self

    def scene(
        self, anchor: str, title: str, *, setting: str = "", image=None
    ) -> Script:
        return self._add(
            "scene",
            {
                "anchor": anchor,
                "title": title,
                "setting": setting,
                "image": image.pk if image else None,
            },
        )

    def narration(self, text: str) -> Script:
        return self._add("narration", {"text": text})

    def dialogue(self, speaker: Character, line: str) -> Script:
        return self._add("dialogue", {"speaker": speaker.pk, "line": line})

    def decision(self, prompt: str, options: list[dict]) -> Script:
        return self._add(
            "decision",
            {
                "prompt": prompt,
                "options": [
                    {"type": "item", "value": value, "id": str(uuid.uuid4())}
                    for value in options
                ],
            },
        )

    def video(self, video, *, start: int | None = None, end: int | None = None):
        return self._add("video", {"video": video.pk, "start": start, "end": end})

    def key_points(self, points: list[str], *, title: str = "要点") -> Script:
        return self._add("key_points", {"title": title, "points": points})

    def practice(self, title: str, instructions: str) -> Script:
        return self._add("practice", {"title": title, "instructions": instructions})

    def build(self) -> list[dict]:
        return list(self.blocks)
