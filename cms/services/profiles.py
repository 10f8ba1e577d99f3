"""Create or update the profile that places a user in the organisation tree."""

from __future__ import annotations

from django.db import transaction

from cms.models import OrgUnit, Profile
from cms.services.people import normalise_phone


@transaction.atomic
def profile_save(
    *,
    user,
    org_unit: OrgUnit,
    position: str,
    phone: str,
    employee_no: str = "",
) -> Profile:
    """Give ``user`` this org unit, position and phone, creating the profile if new.

    Raises ``ValidationError`` for a malformed or already used phone number, so
    callers other than the admin form (which checks first) cannot bypass it.
    """
    profile = Profile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        profile = Profile(user=user)
    profile.org_unit = org_unit
    profile.position = position or Profile.Position.OTHER
    profile.phone = normalise_phone(phone)
    profile.employee_no = employee_no
    profile.full_clean()
    profile.save()
    return profile
