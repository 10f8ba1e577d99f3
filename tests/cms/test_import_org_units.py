"""Bulk import of the org tree: all rows or none, idempotent by code."""

import io

import pytest
from django.core.management import CommandError, call_command

from cms.importing import read_org_units_file
from cms.models import OrgUnit
from cms.services.org_units import org_units_import

pytestmark = pytest.mark.django_db

HEADER = "名称,层级,组织编码,上级编码\n"
# Children listed before their parents on purpose: order in the file is free.
GOOD = HEADER + (
    "五环居民区,居民区,jiangpu-wuhuan,jiangpu\n"
    "江浦路街道,街道,jiangpu,yangpu\n"
    "杨浦区,区,yangpu,\n"
    "大桥街道,街道,daqiao,yangpu\n"
    "明丰苑,社区,daqiao-mingfeng,daqiao\n"
)


def rows(tmp_path, text):
    path = tmp_path / "units.csv"
    path.write_text(text, encoding="utf-8")
    return read_org_units_file(path)


def test_good_file_builds_the_tree(tmp_path):
    report = org_units_import(rows=rows(tmp_path, GOOD))
    assert report.created == 5
    assert OrgUnit.objects.get(code="jiangpu-wuhuan").get_parent().code == "jiangpu"
    assert OrgUnit.objects.get(code="daqiao").get_parent().code == "yangpu"
    assert OrgUnit.objects.get(code="daqiao-mingfeng").level == "neighbourhood"


def test_reimport_changes_nothing(tmp_path):
    org_units_import(rows=rows(tmp_path, GOOD))
    before = list(OrgUnit.objects.order_by("path").values())
    report = org_units_import(rows=rows(tmp_path, GOOD))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    assert list(OrgUnit.objects.order_by("path").values()) == before


def test_renamed_unit_is_updated(tmp_path):
    org_units_import(rows=rows(tmp_path, GOOD))
    report = org_units_import(rows=rows(tmp_path, GOOD.replace("明丰苑", "明丰苑小区")))
    assert report.updated == 1
    assert OrgUnit.objects.get(code="daqiao-mingfeng").name == "明丰苑小区"


def test_bad_rows_are_all_reported_and_nothing_is_imported(tmp_path):
    bad = HEADER + (
        "杨浦区,区,yangpu,\n"  # line 2: fine
        "江浦路街道,街道,jiangpu,nowhere\n"  # 3: unknown parent
        "五环居民区,居民区,wuhuan,yangpu\n"  # 4: neighbourhood under a district
        ",街道,daqiao,yangpu\n"  # 5: no name
        "明丰苑,小区,mingfeng,yangpu\n"  # 6: unknown level
        "平凉路街道,街道,yangpu,yangpu\n"  # 7: duplicate code
        "新江湾城街道,街道,新江湾,yangpu\n"  # 8: code not ASCII
    )
    report = org_units_import(rows=rows(tmp_path, bad))
    assert sorted({e.line for e in report.errors}) == [3, 4, 5, 6, 7, 8]
    assert not OrgUnit.objects.exists()


def test_moving_an_existing_unit_is_refused(tmp_path):
    org_units_import(rows=rows(tmp_path, GOOD))
    moved = GOOD.replace(
        "明丰苑,社区,daqiao-mingfeng,daqiao", "明丰苑,社区,daqiao-mingfeng,jiangpu"
    )
    report = org_units_import(rows=rows(tmp_path, moved))
    assert [e.line for e in report.errors] == [6]
    assert OrgUnit.objects.get(code="daqiao-mingfeng").get_parent().code == "daqiao"


def test_command_dry_run_saves_nothing(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("import_org_units", str(path), "--dry-run", stdout=out)
    assert "5" in out.getvalue()
    assert not OrgUnit.objects.exists()


def test_command_fails_on_bad_file(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(HEADER + "江浦路街道,街道,jiangpu,nowhere\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_org_units", str(path), stderr=err)
    assert "第 2 行" in err.getvalue()


def test_org_units_then_people_import(tmp_path):
    """The IT admin's order: tree first, then the workers who sit in it."""
    org_units_import(rows=rows(tmp_path, GOOD))
    people = tmp_path / "people.csv"
    people.write_text(
        "姓名,手机号,组织编码,岗位\n王丽,13912340001,jiangpu-wuhuan,社工\n",
        encoding="utf-8",
    )
    call_command("import_people", str(people), stdout=io.StringIO())
    assert OrgUnit.objects.get(code="jiangpu-wuhuan").profiles.count() == 1
