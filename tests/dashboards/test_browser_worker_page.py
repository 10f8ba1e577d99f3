"""The worker page at tablet and laptop size, and a ledger XLSX that matches it."""

import datetime as dt
import os

import openpyxl
import pytest

from dashboards.services.stats import stats_rebuild_all
from progress.models import DailyLearning
from progress.services.ledger import local_day
from quizzes.outcomes import evidence_record
from tests.dashboards.dataset import build
from tests.lessons.test_browser_lesson import sign_in
from tests.quizzes.factories import competency

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("DASH_SHOTS", "/tmp/shots_worker")
SECTIONS = ["assignments", "lessons", "ledger", "weeks", "quizzes", "attempts"]


def admin_page(browser, live_server, width, height):
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="zh-CN",
        base_url=live_server.url,
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def worker_data():
    data = build()
    w1 = data.people["w1"]
    today = local_day(data.now)
    for back in (2, 3, 5, 8):
        row, _ = DailyLearning.objects.get_or_create(
            user=w1, day=today - dt.timedelta(days=back)
        )
        row.read_seconds += 240 * back
        row.save()
    for name, credits in (("议事协商", (1, 0.5)), ("法治思维", (1,))):
        for i, credit in enumerate(credits):
            evidence_record(
                user=w1,
                competency_ids=[competency(name).pk],
                source="quiz",
                ref=f"{name}{i}",
                credit=credit,
            )
    stats_rebuild_all()
    return data


def test_worker_page_at_tablet_and_laptop_size_and_ledger_xlsx(
    chromium_browser, live_server, tmp_path
):
    os.makedirs(SHOTS, exist_ok=True)
    data = worker_data()
    w1 = data.people["w1"]
    for width, height, name in ((768, 1024, "tablet"), (1366, 900, "laptop")):
        context, page = admin_page(chromium_browser, live_server, width, height)
        try:
            sign_in(page, live_server, data.people["sup_district"])
            page.goto(f"/admin/learning/worker/{w1.pk}/")
            for key in [*SECTIONS, "mastery"]:
                assert page.locator(f"#{key} table").is_visible(), key
            assert page.locator("#ledger svg.dash-chart").is_visible()
            assert page.locator("#mastery svg.dash-chart").is_visible()
            # Nothing wider than the screen but the tables' own scroll boxes.
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, (name, overflow)
            page.screenshot(path=f"{SHOTS}/worker-{name}-top.png")
            # The admin scrolls inside its own container: grow the window to the
            # content for a picture of the whole page.
            tall = page.evaluate(
                "Math.max(...[...document.querySelectorAll('body, main, "
                "#main, .content-wrapper')].map(e => e.scrollHeight))"
            )
            page.set_viewport_size({"width": width, "height": tall})
            page.screenshot(path=f"{SHOTS}/worker-{name}.png", full_page=True)
            page.set_viewport_size({"width": width, "height": height})
            if name != "tablet":
                continue
            with page.expect_download() as info:
                page.locator('#ledger a[data-export="xlsx"]').click()
            download = info.value
            assert "王丽华" in download.suggested_filename
            target = tmp_path / "ledger.xlsx"
            download.save_as(target)
            sheet = openpyxl.load_workbook(target).active
            values = list(sheet.iter_rows(values_only=True))[1:]
            shown = page.eval_on_selector_all(
                'table[data-table="ledger"] tbody tr',
                "rows => rows.map(r => [...r.children].map(c => c.innerText.trim()))",
            )
            assert len(values) == len(shown) >= 5
            for html_row, xlsx_row in zip(shown, values, strict=True):
                assert html_row[0] == str(xlsx_row[0])[:10]
                assert float(html_row[1]) == pytest.approx(xlsx_row[1], abs=0.05)
        finally:
            context.close()
