"""Reads behind the learner's pages and the decision API; each takes the viewer.

Every authenticated worker may read every live, public lesson (assignments and
org-unit scoping arrive with the progress issue); what is personal — choices
made, lessons started — is only ever the viewer's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Max, Q, QuerySet

from lessons.blocks import Rating
from lessons.models import CoursePage, DecisionChoice, Instructor, LessonPage, Topic

FEED_CONTINUE_LIMIT = 5
FEED_NEW_LIMIT = 6
FEED_PER_TOPIC_LIMIT = 4


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
    return {
        lesson.pk: lesson for lesson in _live_lessons().filter(pk__in=list(lesson_ids))
    }


@dataclass(frozen=True)
class TopicLessons:
    topic: Topic
    lessons: list[LessonPage]


@dataclass(frozen=True)
class HomeFeed:
    continue_lessons: list[LessonPage]
    new_lessons: list[LessonPage]
    by_topic: list[TopicLessons]


def home_feed(*, viewer) -> HomeFeed:
    """Continue where you left off (the viewer's own), new lessons, lessons by topic."""
    lessons = _live_lessons()
    continue_lessons: list[LessonPage] = []
    if viewer.is_authenticated:
        continue_lessons = list(
            lessons.filter(decision_choices__user=viewer)
            .annotate(last_choice_at=Max("decision_choices__updated_at"))
            .order_by("-last_choice_at")[:FEED_CONTINUE_LIMIT]
        )
    new_lessons = list(lessons.order_by("-first_published_at", "-pk")[:FEED_NEW_LIMIT])
    by_topic = []
    for topic in Topic.objects.filter(lessons__in=lessons).distinct():
        topic_lessons = list(
            lessons.filter(topic=topic).order_by("-first_published_at")[
                :FEED_PER_TOPIC_LIMIT
            ]
        )
        by_topic.append(TopicLessons(topic=topic, lessons=topic_lessons))
    return HomeFeed(
        continue_lessons=continue_lessons, new_lessons=new_lessons, by_topic=by_topic
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


def course_lessons(*, viewer, course: CoursePage) -> list[CourseLesson]:
    """The course's live lessons in tree order, marked started for this viewer."""
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
    return [
        CourseLesson(lesson=lesson, started=lesson.pk in started) for lesson in lessons
    ]


def lesson_decisions(*, viewer, lesson: LessonPage) -> dict[str, DecisionChoice]:
    """The viewer's own choices in this lesson, by decision block id."""
    if not viewer.is_authenticated:
        return {}
    return {
        choice.decision_id: choice
        for choice in DecisionChoice.objects.filter(user=viewer, lesson=lesson)
    }


@dataclass(frozen=True)
class DecisionOutcome:
    """What the learner sees after choosing; never sent before the choice is stored."""

    decision_id: str
    option_index: int
    rating: str
    rating_label: str
    consequence: str
    jump_to: str


def decision_block(*, lesson: LessonPage, decision_id: str):
    """The decision block with this id in the lesson's script, or None."""
    for block in lesson.script:
        if block.block_type == "decision" and block.id == decision_id:
            return block
    return None


def decision_outcome(
    *, decision_id: str, decision_value, option_index: int
) -> DecisionOutcome:
    option = decision_value["options"][option_index]
    return DecisionOutcome(
        decision_id=decision_id,
        option_index=option_index,
        rating=option["rating"],
        rating_label=str(Rating(option["rating"]).label),
        consequence=option["consequence"],
        jump_to=(option.get("jump_to") or "").strip(),
    )
