"""Shared factories: people, org units and role helpers used by every test package.

Org units are made with district(), street() and neighbourhood() only:

unit = neighbourhood("五环居民区", parent=street("江浦路街道"))
worker = learner(org_unit=unit)
boss = supervisor(org_unit=unit.get_parent())
tree = reloaded({"street": unit.get_parent(), "unit": unit})  # fresh numchild
"""

from __future__ import annotations

import itertools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cms.models import OrgUnit, Profile
from cms.roles import LEARNERS, SUPERVISORS, TRAINERS

DEFAULT_PASSWORD = "test-password-123"
_codes = itertools.count(1)
_phones = itertools.count(13800000001)


def _next_code(prefix: str) -> str:
    return f"{prefix}-{next(_codes)}"


def district(name: str = "杨浦区", code: str | None = None) -> OrgUnit:
    return OrgUnit.add_root(
        name=name, level=OrgUnit.Level.DISTRICT, code=code or _next_code("district")
    )


def street(
    name: str = "江浦路街道", parent: OrgUnit | None = None, code: str | None = None
) -> OrgUnit:
    return _child(parent or district(), name, OrgUnit.Level.STREET, code, "street")


def neighbourhood(
    name: str = "五环居民区", parent: OrgUnit | None = None, code: str | None = None
) -> OrgUnit:
    return _child(parent or street(), name, OrgUnit.Level.NEIGHBOURHOOD, code, "nbhd")


def _child(parent: OrgUnit, name: str, level: str, code: str | None, prefix: str):
    # treebeard places a child by the parent's numchild and path; reading the
    # parent's row first makes a stale copy of it (one held by a test since before
    # a sibling was added) harmless.
    parent = OrgUnit.objects.get(pk=parent.pk)
    return parent.add_child(name=name, level=level, code=code or _next_code(prefix))


def reloaded(units: dict[str, OrgUnit]) -> dict[str, OrgUnit]:
    """The same units read again, with the numchild their children gave them."""
    return {key: OrgUnit.objects.get(pk=unit.pk) for key, unit in units.items()}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"张社工{n}")
    last_name = ""
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    org_unit = factory.LazyFunction(lambda: neighbourhood())
    position = Profile.Position.SOCIAL_WORKER
    phone = factory.LazyFunction(lambda: str(next(_phones)))


def person(
    *, org_unit: OrgUnit | None = None, groups: tuple[str, ...] = (), **user_kwargs
):
    """A user with a profile in org_unit (a fresh neighbourhood if omitted)."""
    user = UserFactory(**user_kwargs)
    ProfileFactory(user=user, org_unit=org_unit or neighbourhood())
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def learner(*, org_unit: OrgUnit | None = None, **user_kwargs):
    return person(org_unit=org_unit, groups=(LEARNERS,), **user_kwargs)


def supervisor(*, org_unit: OrgUnit, **user_kwargs):
    """A supervisor of org_unit's subtree (their profile sits on that unit)."""
    return person(org_unit=org_unit, groups=(SUPERVISORS,), **user_kwargs)


def trainer(*, org_unit: OrgUnit | None = None, **user_kwargs):
    """A trainer; has a profile (trainers work somewhere too) but no people scope."""
    return person(org_unit=org_unit, groups=(TRAINERS,), **user_kwargs)


def superuser(**user_kwargs):
    return UserFactory(is_superuser=True, is_staff=True, **user_kwargs)
