"""What a user may see of people and org units: the one place that decides.

Every selector that shows people, org units or anything hanging off them
(progress, outcomes, dashboards, exports) starts from `org_units_for` or
`people_for`. Objects outside the viewer's scope raise the same Http404 as
objects that do not exist, so ids cannot be probed.

Rules (a user with several roles gets the union):
- superuser: every org unit and every person;
- supervisor: the subtree of their own profile's org unit, and the people in it;
- trainer: every org unit (to assign courses to them) but nobody's personal data;
- learner, and anyone signed in: their own org unit and themselves only;
- anonymous or inactive: nothing.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from cms.models import OrgUnit, Profile
from cms.roles import is_supervisor, is_trainer

__all__ = [
    "get_org_unit_or_404",
    "get_overseen_unit_or_404",
    "get_overseen_lesson_or_404",
    "get_overseen_worker_or_404",
    "aggregate_people_for",
    "aggregate_scope_root",
    "overseen_lessons_for",
    "reads_lessons_read_only",
    "overseen_units_for",
    "get_person_or_404",
    "org_units_for",
    "people_for",
    "profiles_for",
    "overseen_root",
    "supervised_root",
]


def _own_profile(viewer) -> Profile | None:
    try:
        return viewer.profile
    except Profile.DoesNotExist:
        return None


def _visible(viewer) -> bool:
    return bool(viewer and viewer.is_authenticated and viewer.is_active)


def supervised_root(viewer) -> OrgUnit | None:
    """The org unit whose subtree a supervisor oversees, or None."""
    if not _visible(viewer) or not is_supervisor(viewer):
        return None
    profile = _own_profile(viewer)
    return profile.org_unit if profile else None


def org_units_for(viewer) -> QuerySet[OrgUnit]:
    if not _visible(viewer):
        return OrgUnit.objects.none()
    if viewer.is_superuser or is_trainer(viewer):
        return OrgUnit.objects.all()
    condition = Q(pk__in=[])
    if root := supervised_root(viewer):
        condition |= Q(path__startswith=root.path)
    if profile := _own_profile(viewer):
        condition |= Q(pk=profile.org_unit_id)
    return OrgUnit.objects.filter(condition)


def people_for(viewer) -> QuerySet:
    User = get_user_model()
    if not _visible(viewer):
        return User.objects.none()
    if viewer.is_superuser:
        return User.objects.all()
    condition = Q(pk=viewer.pk)
    if root := supervised_root(viewer):
        condition |= Q(profile__org_unit__path__startswith=root.path)
    return User.objects.filter(condition)


def get_org_unit_or_404(viewer, pk) -> OrgUnit:
    try:
        return org_units_for(viewer).get(pk=int(pk))
    except (OrgUnit.DoesNotExist, ValueError, TypeError):
        raise Http404("No such org unit") from None


def get_person_or_404(viewer, pk):
    User = get_user_model()
    try:
        return people_for(viewer).get(pk=int(pk))
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404("No such person") from None


def profiles_for(viewer) -> QuerySet[Profile]:
    """Profiles of the people the viewer may see (same rule as people_for)."""
    return Profile.objects.filter(user__in=people_for(viewer))


# Learning data about people (dashboards, their exports): superusers everywhere,
# supervisors in their subtree, nobody else, not even a trainer who may list every
# unit to assign courses to it.


def overseen_units_for(viewer) -> QuerySet[OrgUnit]:
    """Org units whose people's learning data the viewer may see."""
    if not _visible(viewer):
        return OrgUnit.objects.none()
    if viewer.is_superuser:
        return OrgUnit.objects.all()
    if root := supervised_root(viewer):
        return OrgUnit.objects.filter(path__startswith=root.path)
    return OrgUnit.objects.none()


def overseen_root(viewer) -> OrgUnit | None:
    """Where the viewer's learning data starts: their own unit, or the top."""
    if not _visible(viewer):
        return None
    if root := supervised_root(viewer):
        return root
    if viewer.is_superuser:
        return OrgUnit.get_first_root_node()
    return None


def get_overseen_unit_or_404(viewer, pk) -> OrgUnit:
    try:
        return overseen_units_for(viewer).get(pk=int(pk))
    except (OrgUnit.DoesNotExist, ValueError, TypeError):
        raise Http404("No such org unit") from None


def get_overseen_worker_or_404(viewer, pk):
    """A person whose learning data the viewer may see (never the viewer alone)."""
    User = get_user_model()
    units = overseen_units_for(viewer)
    try:
        return (
            User.objects.select_related("profile__org_unit")
            .filter(profile__org_unit__in=units)
            .get(pk=int(pk))
        )
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404("No such person") from None


# Aggregates about content (per lesson, decision, instructor type; never a name):
# trainers read them over every worker, to improve their lessons; supervisors over
# their subtree, as for people data; learners see none.


def aggregate_people_for(viewer) -> QuerySet:
    """The people whose learning counts in the content aggregates this viewer sees."""
    User = get_user_model()
    if not _visible(viewer):
        return User.objects.none()
    if viewer.is_superuser or is_trainer(viewer):
        return User.objects.filter(profile__isnull=False)
    if root := supervised_root(viewer):
        return User.objects.filter(profile__org_unit__path__startswith=root.path)
    return User.objects.none()


def aggregate_scope_root(viewer) -> OrgUnit | None:
    """The unit those aggregates cover (for headings and file names); None: all."""
    if not _visible(viewer) or viewer.is_superuser or is_trainer(viewer):
        return None
    return supervised_root(viewer)


# Lessons a supervisor opens read-only in the admin. Content is district-wide (every
# signed-in worker may open every live lesson), so what a supervisor's scope limits
# is people's data, not which lessons exist: she sees the live lessons, never a
# draft, and never the editor. Trainers and superusers have Wagtail's own pages.


def reads_lessons_read_only(viewer) -> bool:
    """Whether the viewer gets the read-only lessons (supervisors, superusers)."""
    return _visible(viewer) and (viewer.is_superuser or is_supervisor(viewer))


def overseen_lessons_for(viewer):
    """Live lessons the viewer may open read-only: supervisors and superusers."""
    from lessons.models import LessonPage

    if not reads_lessons_read_only(viewer):
        return LessonPage.objects.none()
    return LessonPage.objects.live()


def get_overseen_lesson_or_404(viewer, pk):
    from lessons.models import LessonPage

    try:
        return overseen_lessons_for(viewer).get(pk=int(pk))
    except (LessonPage.DoesNotExist, ValueError, TypeError):
        raise Http404("No such lesson") from None
