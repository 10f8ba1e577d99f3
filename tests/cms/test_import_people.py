"""Bulk import of social workers: all rows valid or nothing imported; idempotent."""

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from cms.importing import ImportFileError, read_people_file
from cms.models import OrgUnit, Profile
from cms.roles import is_learner
from cms.services.people import people_import
from tests.factories import district, learner, neighbourhood, street

pytestmark = pytest.mark.django_db
User = get_user_model()

HEADER = "姓名,手机号,街道,居民区,岗位,工号\n"
GOOD_CSV = HEADER + (
    "王丽,13912340001,江浦路街道,五环居民区,社工,JP001\n"
    "李强,139 1234 0002,江浦路街道,明园大楼,居委会主任,\n"
    "陈静,+8613912340003,五角场街道,,党组织书记,WJC01\n"
)
PASSWORD_HEADER = "姓名,手机号,组织编码,岗位,初始密码\n"


@pytest.fixture
def tree():
    root = district("杨浦区")
    jiangpu = street("江浦路街道", parent=root, code="jiangpu")
    wujiaochang = street("五角场街道", parent=root, code="wujiaochang")
    jiangpu.refresh_from_db()
    neighbourhood("五环居民区", parent=jiangpu, code="jiangpu-wuhuan")
    jiangpu.refresh_from_db()
    neighbourhood("明园大楼", parent=jiangpu, code="jiangpu-mingyuan")
    return {"jiangpu": jiangpu, "wujiaochang": wujiaochang}


def write(tmp_path: Path, text: str, name="people.csv", bom=False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_people", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_good_csv_creates_people_in_the_right_units(tree, tmp_path):
    report = people_import(rows=read_people_file(write(tmp_path, GOOD_CSV)))
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    wang = Profile.objects.get(phone="13912340001")
    assert wang.user.get_full_name() == "王丽"
    assert wang.org_unit.name == "五环居民区"
    assert wang.position == Profile.Position.SOCIAL_WORKER
    assert wang.employee_no == "JP001"
    assert Profile.objects.get(phone="13912340002").org_unit.name == "明园大楼"


def test_blank_neighbourhood_places_person_on_the_street(tree, tmp_path):
    people_import(rows=read_people_file(write(tmp_path, GOOD_CSV)))
    assert Profile.objects.get(phone="13912340003").org_unit == tree["wujiaochang"]


def test_imported_people_are_learners_with_phone_username(tree, tmp_path):
    people_import(rows=read_people_file(write(tmp_path, GOOD_CSV)))
    user = User.objects.get(username="13912340001")
    assert is_learner(user)
    assert not user.has_usable_password()


def test_reimporting_the_same_file_changes_nothing(tree, tmp_path):
    path = write(tmp_path, GOOD_CSV)
    people_import(rows=read_people_file(path))
    before = list(Profile.objects.order_by("pk").values())
    report = people_import(rows=read_people_file(path))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert list(Profile.objects.order_by("pk").values()) == before


def test_changed_row_updates_the_person_matched_by_phone(tree, tmp_path):
    people_import(rows=read_people_file(write(tmp_path, GOOD_CSV)))
    moved = GOOD_CSV.replace(
        "王丽,13912340001,江浦路街道,五环居民区,社工",
        "王丽,13912340001,江浦路街道,明园大楼,楼组长",
    )
    report = people_import(rows=read_people_file(write(tmp_path, moved)))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    wang = Profile.objects.get(phone="13912340001")
    assert (wang.org_unit.name, wang.position) == ("明园大楼", "building_leader")


def test_bad_file_reports_every_bad_row_and_imports_nothing(tree, tmp_path):
    bad = HEADER + (
        "王丽,13912340001,江浦路街道,五环居民区,社工,\n"  # line 2: fine
        ",13912340002,江浦路街道,五环居民区,社工,\n"  # line 3: no name
        "李强,12345,江浦路街道,五环居民区,社工,\n"  # line 4: bad phone
        "张伟,13912340004,不存在街道,,社工,\n"  # line 5: unknown street
        "赵敏,13912340005,江浦路街道,明丰苑,社工,\n"  # line 6: not in that street
        "孙燕,13912340006,江浦路街道,五环居民区,厨师,\n"  # line 7: unknown position
        "周杰,13912340001,江浦路街道,五环居民区,社工,\n"  # line 8: duplicate phone
    )
    report = people_import(rows=read_people_file(write(tmp_path, bad)))
    assert not report.ok
    assert [e.line for e in report.errors] == [3, 4, 5, 6, 7, 8]
    messages = {e.line: e.message for e in report.errors}
    assert "姓名" in messages[3]
    assert "12345" in messages[4]
    assert "不存在街道" in messages[5]
    assert "明丰苑" in messages[6]
    assert "厨师" in messages[7]
    assert "第 2 行" in messages[8]
    assert not Profile.objects.exists()
    assert not User.objects.filter(username="13912340001").exists()


def test_bad_file_through_command_exits_nonzero_and_lists_lines(tree, tmp_path):
    bad = (
        HEADER
        + "王丽,13912340001,江浦路街道,五环居民区,社工,\n李强,1,江浦路街道,,社工,\n"
    )
    with pytest.raises(CommandError):
        run(write(tmp_path, bad))
    assert not Profile.objects.exists()


def test_command_prints_errors_with_line_numbers(tree, tmp_path):
    bad = HEADER + "李强,1,江浦路街道,,社工,\n"
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_people", str(write(tmp_path, bad)), stderr=err)
    assert "第 2 行" in err.getvalue()


def test_dry_run_reports_counts_but_saves_nothing(tree, tmp_path):
    out, _ = run(write(tmp_path, GOOD_CSV), "--dry-run")
    assert "3" in out
    assert not Profile.objects.exists()


def test_dry_run_service_counts_match_a_real_run(tree, tmp_path):
    rows = read_people_file(write(tmp_path, GOOD_CSV))
    dry = people_import(rows=rows, dry_run=True)
    real = people_import(rows=rows)
    assert (dry.created, dry.updated, dry.unchanged) == (
        real.created,
        real.updated,
        real.unchanged,
    )


def test_command_reimport_reports_all_unchanged(tree, tmp_path):
    path = write(tmp_path, GOOD_CSV)
    run(path)
    out, _ = run(path)
    assert "新建 0 人，更新 0 人，未变 3 人" in out


def test_csv_with_bom_is_read(tree, tmp_path):
    report = people_import(rows=read_people_file(write(tmp_path, GOOD_CSV, bom=True)))
    assert report.created == 3


def test_xlsx_with_numeric_phone_cells_is_read(tree, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "手机号", "组织编码", "岗位"])
    sheet.append(["王丽", 13912340001, "jiangpu-wuhuan", "社工"])
    sheet.append(["李强", 13912340002.0, "jiangpu", "居委会主任"])
    path = tmp_path / "people.xlsx"
    workbook.save(path)
    report = people_import(rows=read_people_file(path))
    assert report.created == 2
    assert Profile.objects.get(phone="13912340002").org_unit.code == "jiangpu"


def test_xlsx_errors_carry_sheet_row_numbers(tree, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "手机号", "组织编码", "岗位"])
    sheet.append(["王丽", 13912340001, "jiangpu-wuhuan", "社工"])
    sheet.append(["李强", 13912340002, "no-such-code", "社工"])
    path = tmp_path / "people.xlsx"
    workbook.save(path)
    report = people_import(rows=read_people_file(path))
    assert [(e.line, "no-such-code" in e.message) for e in report.errors] == [(3, True)]


def test_english_headers_are_accepted(tree, tmp_path):
    text = "name,phone,org_code,position\n王丽,13912340001,jiangpu,social_worker\n"
    assert people_import(rows=read_people_file(write(tmp_path, text))).created == 1


def test_unknown_column_is_a_file_error(tmp_path):
    with pytest.raises(ImportFileError):
        read_people_file(write(tmp_path, "姓名,手机号,街道,岗位,爱好\n"))


def test_missing_required_column_is_a_file_error(tmp_path):
    with pytest.raises(ImportFileError):
        read_people_file(write(tmp_path, "姓名,街道,岗位\n"))


def test_other_file_types_are_refused(tmp_path):
    with pytest.raises(ImportFileError):
        read_people_file(write(tmp_path, "x", name="people.xls"))


def test_gbk_csv_gets_a_clear_error(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(HEADER.encode("gbk"))
    with pytest.raises(ImportFileError, match="UTF-8"):
        read_people_file(path)


def test_initial_password_column_sets_new_users_password(tree, tmp_path):
    text = PASSWORD_HEADER + "王丽,13912340001,jiangpu,社工,Yangpu-2026!\n"
    people_import(rows=read_people_file(write(tmp_path, text)))
    assert User.objects.get(username="13912340001").check_password("Yangpu-2026!")


def test_weak_initial_password_is_a_row_error(tree, tmp_path):
    text = PASSWORD_HEADER + "王丽,13912340001,jiangpu,社工,123\n"
    report = people_import(rows=read_people_file(write(tmp_path, text)))
    assert [e.line for e in report.errors] == [2]
    assert not Profile.objects.exists()


def test_reimport_never_resets_a_changed_password(tree, tmp_path):
    text = PASSWORD_HEADER + "王丽,13912340001,jiangpu,社工,Yangpu-2026!\n"
    path = write(tmp_path, text)
    people_import(rows=read_people_file(path))
    user = User.objects.get(username="13912340001")
    user.set_password("my-own-secret-9")
    user.save()
    report = people_import(rows=read_people_file(path))
    assert report.unchanged == 1
    user.refresh_from_db()
    assert user.check_password("my-own-secret-9")


def test_existing_person_is_matched_by_phone_not_duplicated(tree, tmp_path):
    unit = OrgUnit.objects.get(code="jiangpu-wuhuan")
    worker = learner(org_unit=unit, first_name="王丽", last_name="")
    worker.profile.phone = "13912340001"
    worker.profile.save()
    text = "姓名,手机号,组织编码,岗位\n王丽,13912340001,jiangpu-wuhuan,社工\n"
    report = people_import(rows=read_people_file(write(tmp_path, text)))
    assert (report.created, report.unchanged) == (0, 1)
    assert Profile.objects.count() == 1


def test_username_taken_by_account_without_profile_is_a_row_error(tree, tmp_path):
    User.objects.create_user(username="13912340001")
    text = "姓名,手机号,组织编码,岗位\n王丽,13912340001,jiangpu,社工\n"
    report = people_import(rows=read_people_file(write(tmp_path, text)))
    assert [e.line for e in report.errors] == [2]
