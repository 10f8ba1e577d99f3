"""Reads of the org tree and people that feed admin pages; all start from scoping."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value

from cms.exports import PinyinCollate
from cms.models import OrgUnit, Profile
from cms.scoping import org_units_for, profiles_for, supervised_root


def org_unit_rows(*, viewer, parent: OrgUnit | None = None) -> QuerySet[OrgUnit]:
    """The children of parent (or the top of the viewer's visible tree), each with
    `people_count`: the people the viewer may see in that unit's subtree (not
    counting the viewer), and `name_pinyin` to order them by name.

    parent must already have been checked against the viewer's scope.
    """
    units = org_units_for(viewer)
    if parent is not None:
        units = units.filter(path__startswith=parent.path, depth=parent.depth + 1)
    else:
        top = units.order_by("depth").values_list("depth", flat=True).first()
        units = units.filter(depth=top or 1)
    people_in_subtree = (
        profiles_for(viewer)
        .exclude(user_id=viewer.pk)
        .filter(org_unit__path__startswith=OuterRef("path"))
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(total=Count("*"))
        .values("total")
    )
    return units.annotate(
        people_count=Subquery(people_in_subtree, output_field=IntegerField()),
        name_pinyin=PinyinCollate("name"),
    )


def person_rows(*, viewer, org_unit: OrgUnit | None = None) -> QuerySet[Profile]:
    """Profiles the viewer may see, optionally limited to org_unit's subtree.

    The viewer is not one of their own people (a supervisor is not listed among
    her workers). `name_pinyin` orders the rows by name in pinyin order.
    """
    profiles = (
        profiles_for(viewer)
        .exclude(user_id=viewer.pk)
        .select_related("user", "org_unit")
        .annotate(name_pinyin=PinyinCollate("user__first_name"))
    )
    if org_unit is not None:
        profiles = profiles.filter(org_unit__path__startswith=org_unit.path)
    return profiles


def visible_ancestry(*, viewer, unit: OrgUnit) -> list[OrgUnit]:
    """unit and those of its ancestors the viewer may see, top first.

    A street supervisor's breadcrumb starts at their street, not at the district.
    """
    ancestors = org_units_for(viewer).filter(pk__in=unit.get_ancestors().values("pk"))
    return [*ancestors.order_by("depth"), unit]


@dataclass(frozen=True)
class ScopeSummary:
    root: OrgUnit
    unit_count: int
    people_count: int


def supervisor_scope_summary(*, viewer) -> ScopeSummary | None:
    """What a supervisor oversees, for their dashboard; None for anyone else."""
    root = supervised_root(viewer)
    if root is None:
        return None
    subtree = org_units_for(viewer).filter(path__startswith=root.path)
    people = (
        profiles_for(viewer)
        .exclude(user_id=viewer.pk)
        .filter(org_unit__path__startswith=root.path)
    )
    return ScopeSummary(root, subtree.count(), people.count())
