"""People exports open as they are in Excel on Chinese Windows, and lists sort by
pinyin (cms.exports)."""

import csv
import datetime
import io
import sqlite3
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cms.exports import _sqlite_pinyin_compare, export_filename, sorted_by_pinyin
from tests.factories import learner, neighbourhood, reloaded, street, supervisor

pytestmark = pytest.mark.django_db

# 01:05:37 UTC is 09:05 in Shanghai.
LOGGED_IN = datetime.datetime(2026, 12, 2, 1, 5, 37, 123456, tzinfo=datetime.UTC)
NAMES = ["张伟", "王丽华", "李建国", "陈静", "安娜", "赵敏", "周敏", "钱卫东"]
PINYIN_ORDER = ["安娜", "陈静", "李建国", "钱卫东", "王丽华", "张伟", "赵敏", "周敏"]


@pytest.fixture
def jiangpu():
    """江浦路街道's supervisor 钱卫东 and her workers in two neighbourhoods."""
    road = street("江浦路街道")
    units = reloaded(
        {
            "street": road,
            "wuhuan": neighbourhood("五环居民区", parent=road),
            "mingyuan": neighbourhood("明园大楼", parent=road),
        }
    )
    workers = []
    for index, name in enumerate(n for n in NAMES if n != "钱卫东"):
        unit = units["wuhuan"] if index % 2 else units["mingyuan"]
        workers.append(learner(org_unit=unit, first_name=name, last_name=""))
    boss = supervisor(org_unit=units["street"], first_name="钱卫东", last_name="")
    first = workers[0]
    first.last_login = LOGGED_IN
    first.save(update_fields=["last_login"])
    return units, boss, workers


def table_rows(client) -> list[list[str]]:
    html = client.get(reverse("people:index")).content.decode()
    rows = BeautifulSoup(html, "html.parser").select("table.listing tbody tr")
    return [[td.get_text(" ", strip=True) for td in row.find_all("td")] for row in rows]


def export(client, export_format: str):
    response = client.get(reverse("people:index") + f"?export={export_format}")
    assert response.status_code == 200
    if response.streaming:
        return response, b"".join(response.streaming_content)
    return response, b"".join(response)


def test_csv_export_has_a_bom_local_minutes_and_the_tables_rows(client, jiangpu):
    units, boss, workers = jiangpu
    client.force_login(boss)
    table = table_rows(client)
    response, body = export(client, "csv")

    assert body.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8, not GBK
    header, *rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert header == ["姓名", "手机号", "岗位", "组织单元", "工号", "最近登录"]
    # Same people, same order, same name/phone/position/unit as on screen.
    assert [[r[0], r[2], r[3], r[1]] for r in rows] == [t[:4] for t in table]
    last_login = {r[0]: r[5] for r in rows}
    assert last_login[workers[0].first_name] == "2026-12-02 09:05"
    assert last_login[workers[1].first_name] == ""


def test_xlsx_export_shows_shanghai_time_to_the_minute(client, jiangpu):
    units, boss, workers = jiangpu
    client.force_login(boss)
    table = table_rows(client)
    response, body = export(client, "xlsx")

    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[0] == "姓名" and header[5] == "最近登录"
    assert [[r[0], r[2], r[3], str(r[1])] for r in rows] == [t[:4] for t in table]
    [cell] = [r[5] for r in sheet.iter_rows(min_row=2) if r[0].value == "张伟"]
    assert cell.value == datetime.datetime(2026, 12, 2, 9, 5)
    assert cell.number_format == "yyyy-mm-dd hh:mm"


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_is_named_after_the_unit_and_the_day(client, jiangpu, export_format):
    units, boss, workers = jiangpu
    client.force_login(boss)
    response, _ = export(client, export_format)
    today = timezone.localdate().isoformat()
    name = quote(f"江浦路街道-人员-{today}.{export_format}")
    assert f"filename*=utf-8''{name}" in response["Content-Disposition"]


def test_filtered_export_is_named_after_the_filtered_unit(client, jiangpu):
    units, boss, workers = jiangpu
    client.force_login(boss)
    url = reverse("people:index") + f"?org_unit={units['wuhuan'].pk}&export=csv"
    today = timezone.localdate().isoformat()
    assert (
        quote(f"五环居民区-人员-{today}.csv") in client.get(url)["Content-Disposition"]
    )


def test_export_filename_keeps_slashes_out():
    day = datetime.date(2026, 12, 2)
    assert export_filename(unit="街道/镇", subject="人员", day=day) == (
        "街道_镇-人员-2026-12-02"
    )


def test_people_list_is_in_pinyin_order(client, jiangpu):
    units, boss, workers = jiangpu
    client.force_login(boss)
    names = [row[0] for row in table_rows(client)]
    assert names == [n for n in PINYIN_ORDER if n != "钱卫东"]


def test_supervisor_is_not_listed_among_her_own_workers(client, jiangpu):
    units, boss, workers = jiangpu
    client.force_login(boss)
    assert "钱卫东" not in [row[0] for row in table_rows(client)]
    _, body = export(client, "csv")
    assert "钱卫东" not in body.decode("utf-8-sig")
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f"江浦路街道：3 个组织单元，{len(workers)} 人" in dashboard


def test_org_units_are_listed_in_pinyin_order(client, jiangpu):
    units, boss, workers = jiangpu
    client.force_login(boss)
    url = reverse("org_units:index") + f"?parent={units['street'].pk}"
    html = client.get(url).content.decode()
    rows = BeautifulSoup(html, "html.parser").select("table.listing tbody tr")
    names = [row.find("td").get_text(strip=True) for row in rows]
    assert names == ["明园大楼", "五环居民区"]  # míng before wǔ


def test_python_sort_agrees_with_postgresql_icu_collation():
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT n FROM unnest(%s::text[]) n ORDER BY n COLLATE "zh-Hans-x-icu"',
            [NAMES + ["Zoe", "1号楼", "章三", "张三"]],
        )
        database_order = [row[0] for row in cursor.fetchall()]
    assert sorted_by_pinyin(NAMES + ["Zoe", "1号楼", "章三", "张三"]) == database_order


def test_sqlite_collation_sorts_by_pinyin():
    db = sqlite3.connect(":memory:")
    db.create_collation("pinyin", _sqlite_pinyin_compare)
    db.execute("CREATE TABLE t (n TEXT)")
    db.executemany("INSERT INTO t VALUES (?)", [(n,) for n in NAMES])
    rows = db.execute("SELECT n FROM t ORDER BY n COLLATE pinyin").fetchall()
    assert [n for (n,) in rows] == PINYIN_ORDER
