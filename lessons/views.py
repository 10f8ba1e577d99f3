"""The no-JavaScript decision form's view.

The learner pages themselves are Wagtail pages; their templates call the
selectors through lessons_tags, and lessons.wagtail_hooks keeps them for
signed-in workers.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from lessons.decisions import DecisionNotFound, OptionOutOfRange, decision_record
from lessons.selectors import lesson_for_learner


@require_POST
@login_required
def decision_submit(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """A choice posted by the plain form (no JavaScript): store it, show the page.

    The page then renders the learner's path with the branch just chosen.
    """
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
