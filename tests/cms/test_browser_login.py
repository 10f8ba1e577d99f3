"""Phone-sized chromium: a learner signs in to the Chinese home page; a supervisor to
the admin dashboard."""

from urllib.parse import urlsplit

import pytest

from lessons.models import LearningHomePage
from tests.factories import DEFAULT_PASSWORD, learner, neighbourhood, supervisor

# serialized_rollback keeps the data migrations' rows (home page, role groups)
# for each transactional test, which a live server needs.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_learner_logs_in_and_sees_the_chinese_home_page(phone_page):
    worker = learner(first_name="李晓梅", last_name="")
    page = phone_page
    page.goto("/accounts/login/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    page.get_by_label("手机号或用户名").fill(worker.username)
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert page.title().startswith(LearningHomePage.objects.get().title)
    assert page.locator(".brand").inner_text() == "微课堂"
    assert page.locator(".who").inner_text() == "李晓梅"
    assert page.get_by_role("navigation", name="主导航").is_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_supervisor_logs_in_to_the_admin_dashboard(phone_page):
    boss = supervisor(org_unit=neighbourhood(), first_name="王建国", last_name="")
    page = phone_page
    page.goto("/admin/login/")
    page.fill("#id_username", boss.username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.locator("form button[type=submit]").click()

    page.wait_for_selector(".w-dashboard")
    assert page.url.endswith("/admin/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert "微课堂" in page.locator("h1").first.inner_text()
