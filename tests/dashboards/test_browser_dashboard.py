"""At tablet size: the overview, a drill-down, and an XLSX that matches the table."""

import openpyxl
import pytest

from dashboards.services.stats import stats_rebuild_all
from tests.dashboards.dataset import build
from tests.lessons.test_browser_lesson import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/work/wt/shots/dash"


@pytest.fixture
def tablet_page(chromium_browser, live_server):
    context = chromium_browser.new_context(
        viewport={"width": 768, "height": 1024},
        locale="zh-CN",
        base_url=live_server.url,
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def table_cells(page, key):
    return page.eval_on_selector_all(
        f'table[data-table="{key}"] tbody tr',
        "rows => rows.map(r => [...r.children].map(c => c.innerText.trim()))",
    )


def test_overview_drill_down_and_xlsx_download(tablet_page, live_server, tmp_path):
    data = build()
    stats_rebuild_all()
    page = tablet_page
    sign_in(page, live_server, data.people["sup_district"])
    page.goto("/admin/learning/")
    assert page.locator(".dash-card").count() == 9
    assert page.locator("svg.dash-chart").first.is_visible()
    names = [row[0] for row in table_cells(page, "children")]
    assert names == ["平凉路街道", "江浦路街道", "空街道"]
    page.screenshot(path=f"{SHOTS}/overview-tablet.png", full_page=True)

    page.get_by_role("link", name="江浦路街道").first.click()
    page.wait_for_selector("nav.dash-crumbs >> text=杨浦区")
    rows = table_cells(page, "children")
    assert [row[0] for row in rows] == ["五环居民区", "空居民区"]
    page.screenshot(path=f"{SHOTS}/street-tablet.png", full_page=True)

    with page.expect_download() as info:
        page.locator('#children a[data-export="xlsx"]').click()
    download = info.value
    assert "江浦路街道" in download.suggested_filename
    assert download.suggested_filename.endswith(".xlsx")
    target = tmp_path / "children.xlsx"
    download.save_as(target)
    sheet = openpyxl.load_workbook(target).active
    values = list(sheet.iter_rows(values_only=True))
    headings = page.eval_on_selector_all(
        "#children table thead th", "ths => ths.map(t => t.innerText.trim())"
    )
    assert [h.rstrip(" ▲▼") for h in headings] == list(values[0])
    assert [r[0] for r in values[1:]] == [r[0] for r in rows]
    # Every figure matches the page's table (the page shows rates as "28.6%").
    for html_row, xlsx_row in zip(rows, values[1:], strict=True):
        for shown, exported in zip(html_row[1:], xlsx_row[1:], strict=True):
            if shown == "–":
                assert exported in (None, "")
            else:
                assert float(shown.rstrip("%")) == pytest.approx(
                    float(exported), abs=0.05
                )
