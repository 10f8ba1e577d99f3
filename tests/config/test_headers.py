"""Security headers: the Content-Security-Policy on every page, short CSRF cookie."""

import re

import pytest

from tests.factories import learner, superuser
from tests.lessons.stories import story_lesson

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")")
INLINE_STYLE = re.compile(r"<style|\sstyle=")


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()
    }


@pytest.fixture
def lesson():
    return story_lesson()


@pytest.fixture
def learner_pages(lesson):
    course = lesson.get_parent()
    return ["/", "/courses/", course.url, lesson.url, "/accounts/"]


def test_every_learner_page_has_a_strict_policy(client, learner_pages):
    client.force_login(learner())
    for url in learner_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response)
        assert policy["default-src"] == ["'self'"], url
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"], url


def test_learner_pages_have_no_inline_script_or_style(client, learner_pages):
    client.force_login(learner())
    for url in learner_pages:
        html = client.get(url).content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_STYLE.search(html), url


def test_the_sign_in_page_has_the_strict_policy(client):
    response = client.get("/accounts/login/")

    assert directives(response)["script-src"] == ["'self'"]
    assert not INLINE_SCRIPT.search(response.content.decode())


def test_video_may_come_from_blob_sources_for_hls_js(client, lesson):
    client.force_login(learner())

    policy = directives(client.get(lesson.url))

    assert policy["media-src"] == ["'self'", "blob:"]
    assert policy["worker-src"] == ["'self'", "blob:"]


def test_the_storage_origin_is_allowed_for_media(client, lesson, settings):
    origin = "https://wkt-media.example.cn"
    directives_with_storage = {
        **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "media-src": ["'self'", "blob:", origin],
        "connect-src": ["'self'", origin],
    }
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": directives_with_storage}
    client.force_login(learner())

    policy = directives(client.get(lesson.url))

    assert origin in policy["media-src"] and origin in policy["connect-src"]


def test_the_admin_has_its_own_policy(client):
    client.force_login(superuser())

    response = client.get("/admin/")

    policy = directives(response)
    assert response.status_code == 200
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["connect-src"] == ["'self'"]


def test_a_not_found_page_has_the_policy(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert directives(response)["script-src"] == ["'self'"]


def test_the_server_error_page_allows_only_its_own_inline_style(rf):
    from config.errors import server_error

    response = server_error(rf.get("/"))
    # The middleware writes the header from the view's update.
    from config.middleware import WeiketangCSPMiddleware

    response = WeiketangCSPMiddleware(lambda request: response)(rf.get("/"))

    policy = directives(response)
    assert response.status_code == 500
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["script-src"] == ["'self'"]


def test_the_csrf_cookie_lasts_only_the_browser_session(client):
    response = client.get("/accounts/login/")

    cookie = response.cookies["csrftoken"]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
