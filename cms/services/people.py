"""Bulk import of social workers: validate every row, then write all or nothing.

Identity: a person is their mainland mobile number. A row whose phone matches an
existing profile updates that person; otherwise a new user is created with the
phone number as username. Imported people join the Learners group.

Passwords: an optional 初始密码 column sets the password of *new* users only (it
must pass Django's password validators). Without it a new user gets an unusable
password until an administrator sets one. Existing users' passwords are never
touched, so re-importing a file cannot undo a password a worker changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cms.importing import ImportReport, ImportRow, RowError
from cms.models import MAINLAND_MOBILE_RE, OrgUnit, Profile
from cms.roles import LEARNERS


class PeopleImportReport(ImportReport):
    def summary(self) -> str:
        return _("新建 %(created)d 人，更新 %(updated)d 人，未变 %(unchanged)d 人") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True)
class _PersonData:
    line: int
    name: str
    phone: str
    org_unit: OrgUnit
    position: str
    employee_no: str
    password: str


def normalise_phone(raw: str) -> str:
    digits = re.sub(r"[\s\-()]", "", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def _position_lookup() -> dict[str, str]:
    lookup = {}
    for value, label in Profile.Position.choices:
        lookup[value.lower()] = value
        lookup[str(label).lower()] = value
    # Common spellings in district spreadsheets.
    lookup["书记"] = Profile.Position.PARTY_SECRETARY
    lookup["主任"] = Profile.Position.COMMITTEE_DIRECTOR
    lookup["社区工作者"] = Profile.Position.SOCIAL_WORKER
    return lookup


class _OrgUnitResolver:
    """Finds the unit a row names, by code or by street + neighbourhood names."""

    def __init__(self):
        units = list(OrgUnit.objects.all())
        self.by_code = {unit.code: unit for unit in units}
        self.streets: dict[str, list[OrgUnit]] = {}
        self.children: dict[tuple[str, str], OrgUnit] = {}
        for unit in units:
            if unit.level == OrgUnit.Level.STREET:
                self.streets.setdefault(unit.name, []).append(unit)
            parent_path = unit.path[: -OrgUnit.steplen]
            self.children[(parent_path, unit.name)] = unit

    def resolve(self, values: dict[str, str]) -> tuple[OrgUnit | None, str | None]:
        code = values.get("org_code", "")
        if code:
            unit = self.by_code.get(code)
            if unit is None:
                return None, _("组织编码“%s”不存在") % code
            return unit, None
        street_name = values.get("street", "")
        if not street_name:
            return None, _("缺少街道（或组织编码）")
        streets = self.streets.get(street_name, [])
        if not streets:
            return None, _("街道“%s”不存在") % street_name
        if len(streets) > 1:
            return None, _("街道“%s”重名，请改用组织编码") % street_name
        street = streets[0]
        neighbourhood_name = values.get("neighbourhood", "")
        if not neighbourhood_name:
            return street, None
        unit = self.children.get((street.path, neighbourhood_name))
        if unit is not None:
            return unit, None
        return None, _("居民区“%(nbhd)s”不在%(street)s") % {
            "nbhd": neighbourhood_name,
            "street": street_name,
        }


def _validate(rows: list[ImportRow]) -> tuple[list[_PersonData], list[RowError]]:
    User = get_user_model()
    resolver = _OrgUnitResolver()
    positions = _position_lookup()
    profiles_by_phone = {
        phone: user_id
        for phone, user_id in Profile.objects.values_list("phone", "user")
    }
    people: list[_PersonData] = []
    errors: list[RowError] = []
    first_line_of_phone: dict[str, int] = {}
    first_line_of_employee_no: dict[str, int] = {}
    # Usernames are phone numbers: one query for every phone in the file.
    taken_usernames = set(
        User.objects.filter(
            username__in=[normalise_phone(r.values.get("phone", "")) for r in rows]
        ).values_list("username", flat=True)
    )

    for row in rows:
        values = row.values
        problems: list[str] = []
        name = values.get("name", "")
        if not name:
            problems.append(_("缺少姓名"))
        elif len(name) > 150:
            problems.append(_("姓名过长"))

        phone = normalise_phone(values.get("phone", ""))
        if not phone:
            problems.append(_("缺少手机号"))
        elif not re.match(MAINLAND_MOBILE_RE, phone):
            problems.append(_("手机号“%s”不是 11 位大陆手机号") % values["phone"])
        elif phone in first_line_of_phone:
            problems.append(_("手机号与第 %d 行重复") % first_line_of_phone[phone])
        else:
            first_line_of_phone[phone] = row.line
            if phone not in profiles_by_phone and phone in taken_usernames:
                problems.append(_("用户名“%s”已被没有档案的账号占用") % phone)

        org_unit, org_problem = resolver.resolve(values)
        if org_problem:
            problems.append(org_problem)

        raw_position = values.get("position", "")
        position = positions.get(raw_position.lower())
        if not raw_position:
            problems.append(_("缺少岗位"))
        elif position is None:
            problems.append(_("岗位“%s”无法识别") % raw_position)

        employee_no = values.get("employee_no", "")
        if employee_no:
            if employee_no in first_line_of_employee_no:
                problems.append(
                    _("工号与第 %d 行重复") % first_line_of_employee_no[employee_no]
                )
            else:
                first_line_of_employee_no[employee_no] = row.line

        password = values.get("password", "")
        if password and phone not in profiles_by_phone:
            try:
                validate_password(password, User(username=phone, first_name=name))
            except ValidationError as exc:
                problems.append(_("初始密码不合格：%s") % " ".join(exc.messages))

        if problems:
            errors.extend(RowError(row.line, problem) for problem in problems)
        else:
            people.append(
                _PersonData(
                    line=row.line,
                    name=name,
                    phone=phone,
                    org_unit=org_unit,
                    position=position,
                    employee_no=employee_no,
                    password=password,
                )
            )
    return people, errors


def _apply(person: _PersonData, learners: Group) -> str:
    """Create or update one person; returns "created", "updated" or "unchanged"."""
    User = get_user_model()
    profile = (
        Profile.objects.select_for_update()
        .select_related("user")
        .filter(phone=person.phone)
        .first()
    )
    if profile is None:
        user = User(username=person.phone, first_name=person.name)
        if person.password:
            user.set_password(person.password)
        else:
            user.set_unusable_password()
        user.save()
        Profile.objects.create(
            user=user,
            org_unit=person.org_unit,
            position=person.position,
            phone=person.phone,
            employee_no=person.employee_no,
            must_change_password=bool(person.password),
        )
        user.groups.add(learners)
        return "created"

    changed = False
    user = profile.user
    if user.get_full_name() != person.name:
        user.first_name, user.last_name = person.name, ""
        user.save(update_fields=["first_name", "last_name"])
        changed = True
    wanted = {
        "org_unit_id": person.org_unit.pk,
        "position": person.position,
        "employee_no": person.employee_no,
    }
    different = [k for k, v in wanted.items() if getattr(profile, k) != v]
    if different:
        for key in different:
            setattr(profile, key, wanted[key])
        profile.save(update_fields=[k.removesuffix("_id") for k in different])
        changed = True
    if not user.groups.filter(pk=learners.pk).exists():
        user.groups.add(learners)
        changed = True
    return "updated" if changed else "unchanged"


def people_import(
    *,
    rows: Iterable[ImportRow],
    dry_run: bool = False,
    on_row: Callable[[], None] | None = None,
) -> PeopleImportReport:
    """Import people from parsed rows; nothing is written if any row is bad.

    on_row is called once per row written (a progress bar hooks in here).
    A dry run performs the whole import inside a transaction and rolls it back,
    so its counts are exactly what a real run would report.
    """
    rows = list(rows)
    report = PeopleImportReport(dry_run=dry_run)
    people, report.errors = _validate(rows)
    if report.errors:
        return report
    learners = Group.objects.get(name=LEARNERS)
    with transaction.atomic():
        for person in people:
            outcome = _apply(person, learners)
            setattr(report, outcome, getattr(report, outcome) + 1)
            if on_row:
                on_row()
        if dry_run:
            transaction.set_rollback(True)
    return report
