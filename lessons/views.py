"""Learner-facing views: login for the learning pages and the no-JavaScript choice.

The pages themselves are Wagtail pages; their templates call the selectors in
lessons.selectors through lessons_tags.
"""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from wagtail import hooks

from lessons.decisions import DecisionNotFound, OptionOutOfRange, decision_record
from lessons.models import CourseIndexPage, CoursePage, LearningHomePage, LessonPage
from lessons.selectors import lesson_for_learner

LEARNER_PAGE_TYPES = (LearningHomePage, CourseIndexPage, CoursePage, LessonPage)


# Registered when lessons.urls (and so this module) is loaded by config.urls, which
# happens before Wagtail serves any page.
@hooks.register("before_serve_page")
def require_login_for_learning_pages(page, request, serve_args, serve_kwargs):
    """Feed, catalogue, courses and lessons are for signed-in workers only."""
    if isinstance(page, LEARNER_PAGE_TYPES) and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


@require_POST
@login_required
def decision_submit(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """A choice posted by the plain form (no JavaScript): store it, show the page."""
    lesson = lesson_for_learner(viewer=request.user, lesson_id=lesson_id)
    if lesson is None:
        raise Http404
    decision_id = request.POST.get("decision_id", "")
    try:
        option_index = int(request.POST.get("option_index", ""))
        decision_record(
            user=request.user,
            lesson=lesson,
            decision_id=decision_id,
            option_index=option_index,
        )
    except DecisionNotFound as exc:
        raise Http404 from exc
    except (ValueError, OptionOutOfRange):
        return HttpResponseBadRequest()
    return redirect(f"{lesson.url}#decision-{decision_id}")
