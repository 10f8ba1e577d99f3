"""Error pages learners may meet, in the site's shell and language."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from tests.factories import learner

pytestmark = pytest.mark.django_db


def test_missing_page_is_a_chinese_404_in_the_site_shell(client):
    client.force_login(learner())
    response = client.get("/no-such-lesson/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "找不到这个页面" in html
    assert 'class="skip-link"' in html


def test_expired_csrf_token_gets_a_plain_explanation():
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:login"), {"username": "a", "password": "b"}
    )
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_server_error_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "服务器出错了" in html
    assert "<html lang=" in html
