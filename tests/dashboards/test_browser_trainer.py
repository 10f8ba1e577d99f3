"""The trainers' pages at laptop and tablet size: charts beside tables, no overflow.

Set SHOTS_DIR to keep the screenshots of each size.
"""

import os

import pytest

from tests.dashboards.trainer_dataset import WORKER_NAMES, build
from tests.lessons.test_browser_lesson import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = {"laptop": (1366, 900), "tablet": (768, 1024)}


@pytest.fixture(params=list(SIZES))
def sized_page(request, chromium_browser, live_server):
    width, height = SIZES[request.param]
    context = chromium_browser.new_context(
        viewport={"width": width, "height": height},
        locale="zh-CN",
        base_url=live_server.url,
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield request.param, page
    context.close()


def shoot(page, name):
    if folder := os.environ.get("SHOTS_DIR"):
        os.makedirs(folder, exist_ok=True)
        # The admin scrolls inside its layout: grow the viewport to the content.
        size = page.viewport_size
        height = page.evaluate("document.querySelector('main').scrollHeight")
        page.set_viewport_size(
            {"width": size["width"], "height": max(height + 120, size["height"])}
        )
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)
        page.set_viewport_size(size)


def overflows(page) -> bool:
    """Whether the page itself scrolls sideways (wide tables scroll in their box)."""
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def test_lessons_and_a_lesson_read_without_sideways_scrolling(sized_page, live_server):
    size, page = sized_page
    data = build()
    sign_in(page, live_server, data.people["trainer"])
    page.goto("/admin/learning/lessons/")
    assert page.locator('table[data-table="funnel"] tbody tr').count() == 3
    assert page.locator("#instructor_types svg.dash-chart").is_visible()
    assert not overflows(page)
    shoot(page, f"trainer-lessons-{size}")

    page.locator("#funnel").get_by_role("link", name="楼组自治").click()
    page.wait_for_selector("#video1 svg.dash-chart")
    assert page.locator("#decision1 svg.dash-chart").is_visible()
    assert not overflows(page)
    text = page.inner_text("main")
    assert not [name for name in WORKER_NAMES if name in text]
    shoot(page, f"trainer-lesson-{size}")
