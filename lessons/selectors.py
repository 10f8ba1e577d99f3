"""Reads behind the learner's pages and the decision API; each takes the viewer.

Every authenticated worker may read every live, public lesson (assignments and
org-unit scoping arrive with the progress issue); what is personal — choices
made, lessons started — is only ever the viewer's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet

from lessons.models import CoursePage, DecisionChoice, Instructor, LessonPage, Topic

FEED_CONTINUE_LIMIT = 5
FEED_NEW_LIMIT = 6


def _live_lessons() -> QuerySet[LessonPage]:
    return LessonPage.objects.live().public()


def _live_courses() -> QuerySet[CoursePage]:
    return CoursePage.objects.live().public()


def lesson_for_learner(*, viewer, lesson_id: int) -> LessonPage | None:
    """The live lesson this viewer may open, or None (missing and hidden alike)."""
    if not viewer.is_authenticated:
        return None
    return _live_lessons().filter(pk=lesson_id).first()


def lessons_for_learner(*, viewer, lesson_ids) -> dict[int, LessonPage]:
    """The live lessons among these ids that this viewer may open, by id."""
    if not viewer.is_authenticated or not lesson_ids:
        return {}
    # Only the tree and version columns: the progress API reads the script
    # through a cache keyed by the published revision (progress.lesson_rules).
    lessons = (
        _live_lessons()
        .filter(pk__in=list(lesson_ids))
        .only("pk", "path", "depth", "last_published_at", "latest_revision")
    )
    return {lesson.pk: lesson for lesson in lessons}


# lessons_for_learner's rule (live, outside every view restriction) as SQL, for
# the progress ingest, which checks lessons inside its one read statement
# (progress.services.ingest_pg) instead of two ORM queries. One parameter: the
# list of lesson ids. tests/lessons/test_selectors_sql.py keeps the two alike.
LEARNER_LESSONS_SQL = """
SELECT p.id, p.path, p.last_published_at, p.latest_revision_id
FROM wagtailcore_page p
JOIN lessons_lessonpage l ON l.page_ptr_id = p.id
WHERE p.id = ANY(%s) AND p.live AND NOT EXISTS (
    SELECT 1 FROM wagtailcore_pageviewrestriction r
    JOIN wagtailcore_page rp ON rp.id = r.page_id
    WHERE p.path LIKE rp.path || '%%'
)
"""


@dataclass(frozen=True)
class LessonCard:
    """A lesson as the feed shows it: with a picture when it has one."""

    lesson: LessonPage
    image: object | None = None  # a Wagtail image: a scene's or the course cover
    video: object | None = None  # else the first video, for its small poster
    started: bool = False


@dataclass(frozen=True)
class TopicCard:
    topic: Topic
    lesson_count: int


@dataclass(frozen=True)
class HomeFeed:
    continue_lessons: list[LessonCard]
    new_lessons: list[LessonCard]
    topics: list[TopicCard]


def lesson_cards(lessons, *, started: bool = False) -> list[LessonCard]:
    """Cards for these lessons: the first scene image, else the course cover,
    else the first ready video (whose poster the card shows small)."""
    lessons = list(lessons)
    parent_paths = {lesson.path[: -LessonPage.steplen] for lesson in lessons}
    covers = {
        course.path: course.cover
        for course in CoursePage.objects.filter(
            path__in=parent_paths, cover__isnull=False
        ).select_related("cover")
    }
    cards = []
    for lesson in lessons:
        image = video = None
        for child in lesson.script:
            if child.block_type == "scene" and child.value.get("image"):
                image = child.value["image"]
                break
            if (
                child.block_type == "video"
                and video is None
                and getattr(child.value.get("video"), "is_ready", False)
            ):
                video = child.value["video"]
        image = image or covers.get(lesson.path[: -LessonPage.steplen])
        cards.append(
            LessonCard(
                lesson=lesson,
                image=image,
                video=None if image else video,
                started=started,
            )
        )
    return cards


def home_feed(*, viewer) -> HomeFeed:
    """One list per purpose: the viewer's own lessons to continue, new lessons
    they have not started, and the topics to browse (each opens the catalogue)."""
    lessons = _live_lessons().select_related("topic")
    continue_lessons: list[LessonPage] = []
    if viewer.is_authenticated:
        continue_lessons = list(
            lessons.filter(decision_choices__user=viewer)
            .annotate(last_choice_at=Max("decision_choices__chosen_at"))
            .order_by("-last_choice_at")[:FEED_CONTINUE_LIMIT]
        )
        lessons = lessons.exclude(decision_choices__user=viewer)
    new_lessons = list(lessons.order_by("-first_published_at", "-pk")[:FEED_NEW_LIMIT])
    topics = [
        TopicCard(topic=topic, lesson_count=topic.lesson_count)
        for topic in Topic.objects.filter(lessons__in=_live_lessons())
        .annotate(lesson_count=Count("lessons", distinct=True))
        .order_by("sort_order", "name")
    ]
    return HomeFeed(
        continue_lessons=lesson_cards(continue_lessons, started=True),
        new_lessons=lesson_cards(new_lessons),
        topics=topics,
    )


@dataclass(frozen=True)
class Catalogue:
    courses: list[CoursePage]
    lessons: list[LessonPage]
    topics: list[Topic]
    instructor_types: list[tuple[str, str]]
    topic: Topic | None = None
    instructor_type: str | None = None
    query: str = ""
    filtered: bool = field(default=False)


def catalogue(
    *,
    viewer,
    topic: str | None = None,
    instructor_type: str | None = None,
    query: str | None = None,
) -> Catalogue:
    """Courses and lessons, narrowed by topic slug, instructor type and a search.

    Unknown filter values are ignored rather than answered with an empty list, so
    an old shared link still lands on something useful.
    """
    courses = _live_courses()
    lessons = _live_lessons()
    chosen_topic = Topic.objects.filter(slug=topic).first() if topic else None
    if chosen_topic:
        # A course counts under a topic if it or any of its live lessons has it.
        courses = courses.filter(
            Q(topic=chosen_topic)
            | Q(pk__in=_course_ids_of(lessons.filter(topic=chosen_topic)))
        )
        lessons = lessons.filter(topic=chosen_topic)
    valid_type = instructor_type in Instructor.Type.values
    if valid_type:
        courses = courses.filter(instructors__type=instructor_type)
        lessons = lessons.filter(
            Q(instructors__type=instructor_type) | Q(pk__in=_lesson_ids_under(courses))
        )
    query = (query or "").strip()
    if query:
        from lessons.search import lessons_search

        lessons = lessons.filter(
            pk__in=lessons_search(viewer=viewer, query=query).values("pk")
        )
        course_text = Q()
        for term in query.split():
            course_text &= Q(title__icontains=term) | Q(summary__icontains=term)
        courses = courses.filter(course_text | Q(pk__in=_course_ids_of(lessons)))
    return Catalogue(
        courses=list(courses.distinct().order_by("path")),
        lessons=list(lessons.distinct().order_by("path")),
        topics=list(Topic.objects.filter(Q(lessons__in=_live_lessons())).distinct()),
        instructor_types=list(Instructor.Type.choices),
        topic=chosen_topic,
        instructor_type=instructor_type if valid_type else None,
        query=query,
        filtered=bool(chosen_topic or valid_type or query),
    )


def _course_ids_of(lessons: QuerySet[LessonPage]) -> list[int]:
    """Ids of the courses (parents) of these lessons."""
    parent_paths = {
        path[: -LessonPage.steplen] for path in lessons.values_list("path", flat=True)
    }
    return list(
        CoursePage.objects.filter(path__in=parent_paths).values_list("pk", flat=True)
    )


def _lesson_ids_under(courses: QuerySet[CoursePage]) -> list[int]:
    q = Q(pk__in=[])
    for path in courses.values_list("path", flat=True):
        q |= Q(path__startswith=path)
    return list(LessonPage.objects.filter(q).values_list("pk", flat=True))


@dataclass(frozen=True)
class CourseLesson:
    lesson: LessonPage
    started: bool
    finished: bool = False
    percent: int = 0


def course_lessons(*, viewer, course: CoursePage) -> list[CourseLesson]:
    """The course's live lessons in tree order, marked started/finished for the viewer.

    Finished is the progress rule (progress.lesson_rules): videos watched, story
    read to its end, quiz passed.
    """
    lessons = list(
        _live_lessons().child_of(course).order_by("path").select_related("topic")
    )
    started: set[int] = set()
    if viewer.is_authenticated:
        started = set(
            DecisionChoice.objects.filter(user=viewer, lesson__in=lessons).values_list(
                "lesson_id", flat=True
            )
        )
    from progress.selectors import progress_by_lesson

    rows = progress_by_lesson(viewer=viewer, lesson_ids=[x.pk for x in lessons])
    return [
        CourseLesson(
            lesson=lesson,
            started=lesson.pk in started or lesson.pk in rows,
            finished=lesson.pk in rows and rows[lesson.pk].is_completed,
            percent=rows[lesson.pk].percent if lesson.pk in rows else 0,
        )
        for lesson in lessons
    ]


DASHBOARD_LIMIT = 8


@dataclass(frozen=True)
class TrainerDashboard:
    drafts: list[LessonPage]
    videos_in_trouble: list
    recently_changed: list[LessonPage]


def trainer_dashboard(*, viewer) -> TrainerDashboard | None:
    """A trainer's admin home: their drafts, videos not playable yet, recent edits.

    Content only (no learner data); None for users who are not trainers.
    """
    from cms.roles import is_trainer
    from media.models import Video

    if not (viewer.is_authenticated and (viewer.is_superuser or is_trainer(viewer))):
        return None
    lessons = LessonPage.objects.select_related("latest_revision")
    drafts = list(
        lessons.filter(has_unpublished_changes=True)
        .filter(Q(owner=viewer) | Q(latest_revision__user=viewer))
        .order_by("-latest_revision_created_at")[:DASHBOARD_LIMIT]
    )
    videos = list(
        Video.objects.filter(
            status__in=[
                Video.Status.FAILED,
                Video.Status.PROCESSING,
                Video.Status.QUEUED,
            ]
        ).order_by("-created_at")[:DASHBOARD_LIMIT]
    )
    recent = list(
        lessons.exclude(latest_revision_created_at=None).order_by(
            "-latest_revision_created_at"
        )[:DASHBOARD_LIMIT]
    )
    return TrainerDashboard(
        drafts=drafts, videos_in_trouble=videos, recently_changed=recent
    )


@dataclass
class OverseenCourse:
    course: CoursePage
    lessons: list[LessonPage]


def overseen_lessons_by_course(*, viewer) -> list[OverseenCourse]:
    """A supervisor's read-only list: live lessons under their live courses, in
    the tree's order (two queries)."""
    from cms.scoping import overseen_lessons_for

    lessons = list(overseen_lessons_for(viewer).order_by("path"))
    if not lessons:
        return []
    courses = list(_live_courses().order_by("path"))
    groups = []
    for course in courses:
        under = [lesson for lesson in lessons if lesson.path.startswith(course.path)]
        if under:
            groups.append(OverseenCourse(course=course, lessons=under))
    return groups
