"""Bulk import of the org tree (区 > 街道/镇 > 居民区/社区), all rows or none.

One row per unit: 名称, 层级, 组织编码, 上级编码 (blank for a district). A unit is
identified by its code: a known code with a new name is renamed; a known code
under a different parent or at a different level is refused (moving units
between streets changes who supervises whom and is left to a deliberate,
separate step).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from cms.importing import ImportReport, ImportRow, RowError
from cms.models import OrgUnit

CODE_RE = re.compile(r"^[-a-zA-Z0-9_]{1,64}$")
# The level a unit's parent must have.
PARENT_LEVEL = {
    OrgUnit.Level.DISTRICT: None,
    OrgUnit.Level.STREET: OrgUnit.Level.DISTRICT,
    OrgUnit.Level.NEIGHBOURHOOD: OrgUnit.Level.STREET,
}
LEVEL_ORDER = list(PARENT_LEVEL)


class OrgUnitImportReport(ImportReport):
    def summary(self) -> str:
        return _(
            "新建 %(created)d 个单元，更新 %(updated)d 个，未变 %(unchanged)d 个"
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True)
class _UnitData:
    line: int
    name: str
    level: str
    code: str
    parent_code: str


def _level_lookup() -> dict[str, str]:
    lookup = {}
    for value, label in OrgUnit.Level.choices:
        lookup[value] = value
        for part in str(label).split("/"):
            lookup[part] = value
    lookup["neighborhood"] = OrgUnit.Level.NEIGHBOURHOOD
    return lookup


def _validate(rows: list[ImportRow]) -> tuple[list[_UnitData], list[RowError]]:
    levels = _level_lookup()
    existing = {unit.code: unit for unit in OrgUnit.objects.all().order_by("path")}
    code_by_path = {unit.path: code for code, unit in existing.items()}
    parents_of_existing = {
        code: code_by_path.get(unit.path[: -unit.steplen], "")
        for code, unit in existing.items()
    }
    in_file = {}
    for row in rows:
        code = row.values.get("code", "")
        if code and code not in in_file:
            in_file[code] = row
    units, errors = [], []
    first_line_of_code: dict[str, int] = {}
    for row in rows:
        values = row.values
        problems = []
        name = values.get("name", "")
        code = values.get("code", "")
        parent_code = values.get("parent_code", "")
        level = levels.get(values.get("level", "").lower())
        if not name:
            problems.append(_("缺少名称"))
        if not values.get("level"):
            problems.append(_("缺少层级"))
        elif level is None:
            problems.append(_("层级“%s”无法识别") % values["level"])
        if not code:
            problems.append(_("缺少组织编码"))
        elif not CODE_RE.match(code):
            problems.append(_("组织编码“%s”只能包含字母、数字、- 和 _") % code)
        elif code in first_line_of_code:
            problems.append(_("组织编码与第 %d 行重复") % first_line_of_code[code])
        else:
            first_line_of_code[code] = row.line

        if level is not None:
            wanted_parent_level = PARENT_LEVEL[level]
            if wanted_parent_level is None and parent_code:
                problems.append(_("区级单元不能有上级编码"))
            elif wanted_parent_level is not None:
                parent_level = _level_of(parent_code, existing, in_file, levels)
                if not parent_code:
                    problems.append(_("缺少上级编码"))
                elif parent_level is None:
                    problems.append(_("上级编码“%s”不存在") % parent_code)
                elif parent_level != wanted_parent_level:
                    problems.append(
                        _("上级“%(parent)s”的层级不对：%(level)s 的上级应是 %(want)s")
                        % {
                            "parent": parent_code,
                            "level": OrgUnit.Level(level).label,
                            "want": OrgUnit.Level(wanted_parent_level).label,
                        }
                    )
            if code in existing:
                if existing[code].level != level:
                    problems.append(_("已有单元“%s”的层级不同，不支持修改层级") % code)
                elif parents_of_existing[code] != parent_code:
                    problems.append(_("已有单元“%s”的上级不同，不支持移动") % code)

        if problems:
            errors.extend(RowError(row.line, p) for p in problems)
        else:
            units.append(_UnitData(row.line, name, level, code, parent_code))
    return units, errors


def _level_of(code, existing, in_file, levels) -> str | None:
    if code in existing:
        return existing[code].level
    if code in in_file:
        return levels.get(in_file[code].values.get("level", "").lower())
    return None


def org_units_import(
    *, rows: Iterable[ImportRow], dry_run: bool = False
) -> OrgUnitImportReport:
    """Create or rename org units from parsed rows; nothing is written on any error."""
    rows = list(rows)
    report = OrgUnitImportReport(dry_run=dry_run)
    units, report.errors = _validate(rows)
    if report.errors:
        return report
    # Parents before children, whatever the order of the file.
    units.sort(key=lambda unit: LEVEL_ORDER.index(unit.level))
    with transaction.atomic():
        for unit in units:
            outcome = _apply(unit)
            setattr(report, outcome, getattr(report, outcome) + 1)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _apply(data: _UnitData) -> str:
    unit = OrgUnit.objects.select_for_update().filter(code=data.code).first()
    if unit is not None:
        if unit.name == data.name:
            return "unchanged"
        unit.name = data.name
        unit.save(update_fields=["name"])
        return "updated"
    fields = {"name": data.name, "level": data.level, "code": data.code}
    if not data.parent_code:
        OrgUnit.add_root(**fields)
    else:
        OrgUnit.objects.get(code=data.parent_code).add_child(**fields)
    return "created"
