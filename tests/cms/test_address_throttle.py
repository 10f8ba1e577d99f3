"""Login throttling by address: a password spray over many usernames is slowed,
then locked; an office behind one NAT is not locked out by a handful of typos."""

import uuid

import pytest
from django.urls import reverse

from cms.accounts.address_throttle import address_login_check, address_login_failed
from tests.factories import DEFAULT_PASSWORD, learner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def documented_limits(settings):
    # The numbers the README gives (config/settings/test.py lifts them).
    settings.LOGIN_ADDRESS_SLOW_AFTER = 10
    settings.LOGIN_ADDRESS_SLOW_SECONDS = 10
    settings.LOGIN_ADDRESS_LOCK_AFTER = 50
    settings.LOGIN_ADDRESS_WINDOW_SECONDS = 900


@pytest.fixture
def address():
    """An address of this test only (the cache outlives a test)."""
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def spray(client, address, usernames):
    return [
        client.post(
            reverse("accounts:login"),
            {"username": name, "password": "Spring2026!"},
            REMOTE_ADDR=address,
        )
        for name in usernames
    ]


def test_one_password_over_many_usernames_is_slowed(client, address):
    responses = spray(client, address, [f"138{i:08d}" for i in range(11)])

    assert [r.status_code for r in responses[:10]] == [200] * 10
    assert responses[10].status_code == 429
    assert int(responses[10]["Retry-After"]) == 10
    assert "请等 10 秒后再登录" in responses[10].content.decode()


def test_a_slowed_address_may_try_again_after_the_interval(address):
    for i in range(10):
        address_login_failed(address=address, now=1000.0 + i)

    assert not address_login_check(address=address, now=1015.0).allowed
    assert address_login_check(address=address, now=1019.5).allowed


def test_fifty_failures_lock_the_address_for_the_window(address):
    for i in range(50):
        address_login_failed(address=address, now=1000.0 + i * 11)

    verdict = address_login_check(address=address, now=1000.0 + 50 * 11 + 60)

    assert (verdict.allowed, verdict.locked) == (False, True)
    assert verdict.retry_after == 900 - (50 * 11 + 60)


def test_the_right_password_is_refused_while_the_address_is_slowed(client, address):
    worker = learner()
    spray(client, address, [f"139{i:08d}" for i in range(10)])

    response = client.post(
        reverse("accounts:login"),
        {"username": worker.username, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR=address,
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_office_with_a_handful_of_typos_still_signs_in(client, address):
    worker = learner()
    spray(client, address, [f"137{i:08d}" for i in range(5)])

    response = client.post(
        reverse("accounts:login"),
        {"username": worker.username, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR=address,
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(worker.pk)


def test_another_address_is_not_slowed(client, address):
    spray(client, address, [f"136{i:08d}" for i in range(10)])

    other = spray(client, "192.0.2.77", ["13600000099"])[0]

    assert other.status_code == 200


def test_the_admin_sign_in_counts_and_is_slowed_too(client, address):
    for i in range(11):
        response = client.post(
            reverse("wagtailadmin_login"),
            {"username": f"135{i:08d}", "password": "Spring2026!"},
            REMOTE_ADDR=address,
        )

    assert response.status_code == 429
