"""Fixtures shared by every test package: a real Celery worker and a phone browser."""

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.deps import (
    CHROMIUM,
    CHROMIUM_ARGS,
    new_phone_context,
    require_binary,
    require_redis,
)
from tests.live_gate import LiveServerGate

# Playwright's sync API runs an event loop in the test thread; the ORM calls that
# tests make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent


def pytest_sessionfinish(session, exitstatus):
    # A failed run keeps its uploads and worker logs for inspection.
    if exitstatus == 0 and getattr(settings, "MEDIA_ROOT_IS_TEMPORARY", False):
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


# pytest-django's django_db marker, positional arguments in its own order
# (pytest_django.fixtures.validate_django_db), so a marker written
# @pytest.mark.django_db(True) is read the same as transaction=True.
_DJANGO_DB_ARGS = (
    "transaction",
    "reset_sequences",
    "databases",
    "serialized_rollback",
    "available_apps",
)


def pytest_collection_modifyitems(items):
    """Give every transactional test serialized rollback.

    A plain transactional test's flush re-runs post_migrate, which recreates the
    role groups under new ids; a serialized-rollback test after it then cannot
    restore the migrated rows (duplicate group names), and a plain one after a
    serialized one finds empty tables (no groups, no home page). With serialized
    rollback everywhere, each transactional test starts from the migrated data.

    How: a test is transactional when its django_db marker says transaction=True
    or it uses the transactional_db or live_server fixture (the browser and
    worker tests). Such a test gets a new django_db marker with the same
    arguments plus transaction=True, serialized_rollback=True, inserted first
    (append=False) so that it is the closest marker pytest-django reads. Tests on
    the plain ``db`` fixture (rolled back in a transaction) are left alone.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = {}
        if marker:
            kwargs = dict(zip(_DJANGO_DB_ARGS, marker.args, strict=False))
            kwargs.update(marker.kwargs)
        fixtures = getattr(item, "fixturenames", ())
        transactional = kwargs.get("transaction") or any(
            name in fixtures for name in ("transactional_db", "live_server")
        )
        if not transactional or kwargs.get("serialized_rollback"):
            continue
        kwargs.update(transaction=True, serialized_rollback=True)
        item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """The test databases, with the migrated data reachable from every connection.

    Django keeps the data for serialized rollback on the connection object. Once
    Playwright's sync API runs, the test body gets fresh connection objects (another
    context for asgiref's Local), which would restore nothing; keeping the data on
    the connection class makes every one of them restore it.
    """
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents
    yield


def _database_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery worker` process on Redis, using the test database.

    Tests that use it need `transactional_db`, so that their rows are committed
    where the worker can see them.
    """
    from config.celery import app

    require_redis(settings.CELERY_BROKER_URL)
    app.control.purge()
    name = f"test-{uuid.uuid4().hex[:8]}@%h"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    log = open(settings.MEDIA_ROOT / f"worker-{name.split('@')[0]}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "-Q", "default,transcode", "--concurrency", "1", "--loglevel", "INFO",
            "--without-gossip", "--without-mingle", "-n", name,
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"celery worker exited with {proc.returncode}; see {log.name}")
        if app.control.ping(timeout=0.5):
            break
    else:
        proc.kill()
        pytest.fail(f"celery worker did not answer a ping in 60 s; see {log.name}")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait()
    log.close()


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server behind a LiveServerGate (tests/live_gate.py)."""
    httpd = live_server.thread.httpd
    live_server.gate = LiveServerGate(httpd.get_app())
    httpd.set_app(live_server.gate)
    return live_server


@pytest.fixture(autouse=True)
def _live_server_quiet_between_tests(request):
    """Open the live server's gate for a test that uses it; afterwards, close it and
    wait for the requests inside before the database is flushed (the flush is
    transactional_db's teardown, which therefore has to come after this one)."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    server = request.getfixturevalue("live_server")
    server.gate.open()
    yield
    server.gate.close_and_drain()


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's chromium driven by Playwright (never a browser Playwright downloads)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        require_binary("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


def _close_quietly(context) -> None:
    """Close a context without a last request reaching the server.

    Closing fires pagehide, and progress.js then posts its queue (fetch keepalive);
    that request would still hold locks while the live server's database is
    flushed for the next test (a deadlock). The test is over: refuse it.
    """
    context.route("**/api/progress/**", lambda route: route.abort())
    for page in context.pages:
        page.goto("about:blank")
    context.close()


@pytest.fixture
def phone_page(chromium_browser, live_server):
    """A 390x844 phone page, Chinese locale, pointed at the live server.

    It bypasses the Content-Security-Policy, since Playwright's wait_for_function
    evaluates its predicate with eval in the page; tests/config/test_browser_csp.py
    drives a lesson under the real policy with strict_phone_page.
    """
    context = new_phone_context(
        chromium_browser, base_url=live_server.url, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    _close_quietly(context)


@pytest.fixture
def strict_phone_page(chromium_browser, live_server):
    """phone_page under the site's real Content-Security-Policy (no eval: use
    page.evaluate rather than page.wait_for_function)."""
    context = new_phone_context(chromium_browser, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    _close_quietly(context)


@pytest.fixture
def admin_page(chromium_browser, live_server):
    """A trainer signed in to the Wagtail admin, in a laptop-sized window."""
    from tests.factories import DEFAULT_PASSWORD, trainer

    context = chromium_browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="zh-CN",
        base_url=live_server.url,
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(20_000)
    user = trainer()
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_selector(".w-dashboard")
    yield page
    _close_quietly(context)
