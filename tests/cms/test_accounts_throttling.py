"""Login throttling (django-axes) on every login entry point, with a cool-off."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse

from cms.accounts.client_ip import client_ip_address
from tests.factories import DEFAULT_PASSWORD, learner, neighbourhood, supervisor

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


def post_login(client, url, username, password, **headers):
    return client.post(url, {"username": username, "password": password}, **headers)


def fail_until_locked(client, url, username, **headers):
    """Wrong passwords up to the limit; every one before the last is an ordinary 200."""
    for _ in range(LIMIT - 1):
        response = post_login(client, url, username, "wrong-password", **headers)
        assert response.status_code == 200
    return post_login(client, url, username, "wrong-password", **headers)


def test_failure_limit_and_cool_off_are_configured():
    assert LIMIT >= 3
    assert settings.AXES_COOLOFF_TIME > 0
    assert settings.AXES_HTTP_RESPONSE_CODE == 429


def test_repeated_wrong_passwords_get_429_even_with_the_right_password(client):
    worker = learner()
    url = reverse("accounts:login")
    response = fail_until_locked(client, url, worker.username)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    response = post_login(client, url, worker.username, DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(AXES_COOLOFF_TIME=timedelta(seconds=2))
def test_lockout_ends_when_the_cool_off_has_passed(client):
    worker = learner()
    url = reverse("accounts:login")
    assert fail_until_locked(client, url, worker.username).status_code == 429
    assert post_login(client, url, worker.username, DEFAULT_PASSWORD).status_code == 429
    time.sleep(2.5)
    response = post_login(client, url, worker.username, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(worker.pk)


def test_wagtail_admin_login_is_throttled_too(client):
    boss = supervisor(org_unit=neighbourhood())
    url = reverse("wagtailadmin_login")
    assert fail_until_locked(client, url, boss.username).status_code == 429
    response = post_login(client, url, boss.username, DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_on_one_entry_point_holds_on_the_other(client):
    worker = learner()
    fail_until_locked(client, reverse("accounts:login"), worker.username)
    response = post_login(
        client, reverse("wagtailadmin_login"), worker.username, DEFAULT_PASSWORD
    )
    assert response.status_code == 429


def test_forged_forwarded_for_does_not_escape_the_lockout_without_proxies(client):
    worker = learner()
    url = reverse("accounts:login")
    for n in range(LIMIT):
        response = post_login(
            client,
            url,
            worker.username,
            "wrong-password",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}",
        )
    assert response.status_code == 429
    response = post_login(
        client,
        url,
        worker.username,
        DEFAULT_PASSWORD,
        HTTP_X_FORWARDED_FOR="198.51.100.77",
    )
    assert response.status_code == 429


@override_settings(WEIKETANG_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_clients_are_told_apart_by_the_proxy_added_address(client):
    worker = learner()
    url = reverse("accounts:login")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # The attacker forges the left part; nginx appends the real address.
    response = fail_until_locked(
        client,
        url,
        worker.username,
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
        **proxy,
    )
    assert response.status_code == 429
    forged = post_login(
        client,
        url,
        worker.username,
        DEFAULT_PASSWORD,
        HTTP_X_FORWARDED_FOR="5.6.7.8, 203.0.113.9",
        **proxy,
    )
    assert forged.status_code == 429
    # The same person at another address (their office) still gets in.
    other = post_login(
        client,
        url,
        worker.username,
        DEFAULT_PASSWORD,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
        **proxy,
    )
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("proxy_count", "forwarded_for", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.2"),
        (1, "", "10.0.0.2"),
    ],
)
def test_client_ip_address_trusts_only_the_configured_proxies(
    proxy_count, forwarded_for, expected
):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for
    )
    with override_settings(WEIKETANG_TRUSTED_PROXY_COUNT=proxy_count):
        assert client_ip_address(request) == expected
