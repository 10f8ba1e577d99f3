"""The demo course 三微治理： six story lessons from Yangpu's own cases.

`manage.py seed_demo` calls `seed()`. It is idempotent: snippets are matched by
name, pages by slug and videos by title, and what exists is left as it is (a
trainer may have edited it). Each lesson gets a short generated video (its
Chinese title on a coloured card, a tone) that goes through media's real upload
and transcode services inline, so the demo plays without a worker running, and
a Simplified Chinese caption track.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction

from .demo_content import COURSE, INSTRUCTORS, LESSONS, Lesson
from .models import (
    Character,
    CourseIndexPage,
    CoursePage,
    Instructor,
    LearningHomePage,
    LessonPage,
    Topic,
)

DEMO_VIDEO_SECONDS = 6
DEMO_VIDEO_SIZE = "640x360"
DEMO_VIDEO_FPS = 15
CJK_FONT_FAMILY = "Noto Sans CJK SC"


def seed(*, stdout=None) -> None:
    stdout = stdout or sys.stdout
    instructors = {key: _instructor(**fields) for key, fields in INSTRUCTORS.items()}
    course = _course(instructors)
    created = 0
    for lesson in LESSONS:
        if _lesson(course, lesson, instructors):
            created += 1
    stdout.write(
        f"lessons: course {course.title} with {len(LESSONS)} lessons ({created} new)\n"
    )


def _instructor(*, name: str, type: str, bio: str) -> Instructor:
    instructor, _ = Instructor.objects.get_or_create(
        name=name, defaults={"type": type, "bio": bio}
    )
    return instructor


def _character(name: str, role: str) -> Character:
    character, _ = Character.objects.get_or_create(name=name, role=role)
    return character


def _course_index() -> CourseIndexPage:
    index = CourseIndexPage.objects.first()
    if index is None:
        index = CourseIndexPage(
            title="课程",
            title_en="Courses",
            slug="courses",
            intro="<p>按主题和讲师类型找课。</p>",
            intro_en="<p>Find courses by topic and instructor type.</p>",
        )
        LearningHomePage.objects.get().add_child(instance=index)
        index.save_revision().publish()
    return index


def _course(instructors: dict[str, Instructor]) -> CoursePage:
    index = _course_index()
    course = CoursePage.objects.child_of(index).filter(slug=COURSE["slug"]).first()
    if course is not None:
        return course
    course = CoursePage(
        title=COURSE["title"],
        slug=COURSE["slug"],
        summary=COURSE["summary"],
        topic=Topic.objects.get(name=COURSE["topic"]),
        target_positions=COURSE["target_positions"],
    )
    course.instructors.set([instructors[key] for key in COURSE["instructors"]])
    course.tags.set(COURSE["tags"])
    index.add_child(instance=course)
    course.save_revision().publish()
    return course


def _lesson(course: CoursePage, lesson: Lesson, instructors) -> bool:
    """Create the lesson if it is missing; True when it was created."""
    if LessonPage.objects.child_of(course).filter(slug=lesson.slug).exists():
        return False
    video = demo_video(
        title=f"三微治理演示：{lesson.title}",
        card=lesson.title,
        colour=lesson.colour,
        caption_lines=lesson.caption_lines,
    )
    characters = {
        key: _character(name, role) for key, (name, role) in lesson.characters.items()
    }
    page = LessonPage(
        title=lesson.title,
        slug=lesson.slug,
        summary=lesson.summary,
        topic=Topic.objects.get(name=lesson.topic),
        script=script_raw(lesson.script, characters=characters, video=video),
    )
    page.instructors.set([instructors[key] for key in lesson.instructors])
    page.tags.set(lesson.tags)
    with transaction.atomic():
        course.add_child(instance=page)
        page.save_revision().publish()
    return True


def script_raw(script, *, characters: dict[str, Character], video) -> list[dict]:
    """The demo's compact script notation as StreamField raw JSON."""
    blocks = []

    def add(block_type: str, value) -> None:
        blocks.append({"type": block_type, "value": value, "id": str(uuid.uuid4())})

    for step in script:
        kind, *args = step
        if kind == "scene":
            anchor, title, setting = args
            add("scene", {"anchor": anchor, "title": title, "setting": setting,
                          "image": None})  # fmt: skip
        elif kind == "narration":
            add("narration", {"text": args[0]})
        elif kind == "say":
            who, line = args
            add("dialogue", {"speaker": characters[who].pk, "line": line})
        elif kind == "decision":
            prompt, options = args
            add("decision", {
                "prompt": prompt,
                "options": [
                    {"type": "item", "id": str(uuid.uuid4()), "value": {
                        "label": label, "consequence": consequence,
                        "rating": rating, "jump_to": jump_to,
                    }}
                    for label, consequence, rating, jump_to in options
                ],
            })  # fmt: skip
        elif kind == "video":
            add("video", {"video": video.pk, "start": None, "end": None})
        elif kind == "key_points":
            add("key_points", {"title": "要点", "points": list(args[0])})
        elif kind == "practice":
            title, instructions = args
            add("practice", {"title": title, "instructions": instructions})
        else:
            raise ValueError(f"unknown demo script step {kind!r}")
    return blocks


def demo_video(*, title: str, card: str, colour: str, caption_lines: list[str]):
    """The demo video of this title, generated and transcoded once."""
    from media.models import Video
    from media.services import caption_attach, video_create, video_transcode

    video = Video.objects.filter(title=title).first()
    if video is None:
        with tempfile.TemporaryDirectory(prefix="weiketang-demo-") as workdir:
            path = render_title_card(Path(workdir), card=card, colour=colour)
            with path.open("rb") as handle:
                video = video_create(
                    file=File(handle, name=path.name), title=title, enqueue=False
                )
    if not video.is_ready:
        video_transcode(video_id=video.pk, worker="seed_demo")
        video.refresh_from_db()
    if not video.captions.filter(language="zh-hans").exists():
        caption_attach(
            video=video,
            language="zh-hans",
            label="简体中文",
            file=ContentFile(webvtt(caption_lines).encode(), name="zh-hans.vtt"),
        )
    return video


def webvtt(lines: list[str]) -> str:
    """Cues spread evenly over the demo video."""
    step = DEMO_VIDEO_SECONDS / max(len(lines), 1)
    cues = ["WEBVTT", ""]
    for number, line in enumerate(lines):
        start, end = number * step, (number + 1) * step
        cues += [f"{_timestamp(start)} --> {_timestamp(end)}", line, ""]
    return "\n".join(cues)


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    return (
        f"{millis // 3_600_000:02d}:{millis // 60_000 % 60:02d}:"
        f"{millis // 1000 % 60:02d}.{millis % 1000:03d}"
    )


def cjk_font_file() -> str:
    """Debian's Noto CJK font (fonts-noto-cjk), located by fontconfig."""
    found = subprocess.run(
        ["fc-match", "-f", "%{file}", CJK_FONT_FAMILY],
        capture_output=True, text=True, check=True, timeout=10,
    ).stdout.strip()  # fmt: skip
    if "CJK" not in found:
        raise RuntimeError(
            f"fontconfig has no {CJK_FONT_FAMILY} (found {found!r}); "
            "install fonts-noto-cjk"
        )
    return found


def render_title_card(workdir: Path, *, card: str, colour: str) -> Path:
    """A few seconds of the title on a coloured card with a tone, as H.264/AAC MP4.

    A "主题：副题" title is set on two lines, so that it fits a phone-width frame.
    """
    heading, _, subheading = card.partition("：")
    font = cjk_font_file()
    lines = [(heading, 44, "(h/2)-60"), (subheading, 30, "(h/2)+10"),
             ("微课堂 · 三微治理", 22, "h-60")]  # fmt: skip
    filters = []
    for number, (text, size, y) in enumerate(lines):
        if not text:
            continue
        # Text comes from files, so no title needs escaping inside the filter graph.
        text_file = workdir / f"line{number}.txt"
        text_file.write_text(text, encoding="utf-8")
        filters.append(
            f"drawtext=fontfile='{font}':textfile='{text_file}':fontsize={size}:"
            f"fontcolor=white:x=(w-text_w)/2:y={y}"
        )
    output = workdir / "demo.mp4"
    command = [
        settings.FFMPEG_BINARY, "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i",
        f"color=c={colour}:s={DEMO_VIDEO_SIZE}:r={DEMO_VIDEO_FPS}:"
        f"d={DEMO_VIDEO_SECONDS}",
        "-f", "lavfi", "-i",
        f"sine=frequency=440:sample_rate=44100:duration={DEMO_VIDEO_SECONDS}",
        "-vf", ",".join(filters),
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "64k", "-shortest", "-movflags", "+faststart",
        str(output),
    ]  # fmt: skip
    subprocess.run(command, check=True, timeout=120, capture_output=True)
    return output
