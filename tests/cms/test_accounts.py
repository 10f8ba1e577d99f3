"""The learners' login, logout and password change, and who gets into the admin."""

import pytest
from django.urls import reverse

from tests.factories import (
    DEFAULT_PASSWORD,
    learner,
    neighbourhood,
    supervisor,
    trainer,
)

pytestmark = pytest.mark.django_db


def login(client, user, **extra):
    return client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": DEFAULT_PASSWORD, **extra},
    )


def test_login_page_is_a_mobile_form_in_chinese(client):
    response = client.get(reverse("accounts:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert 'name="viewport"' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert "登录微课堂" in html
    assert "手机号或用户名" in html


def test_learner_logs_in_and_lands_on_the_home_page(client):
    worker = learner()
    response = login(client, worker)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(worker.pk)


def test_wrong_password_shows_the_form_again_with_an_error(client):
    worker = learner()
    response = client.post(
        reverse("accounts:login"), {"username": worker.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_follows_a_safe_next_and_ignores_an_offsite_one(client):
    worker = learner()
    response = login(client, worker, next="/accounts/")
    assert response["Location"] == "/accounts/"
    client.logout()
    response = login(client, worker, next="https://evil.example.com/")
    assert response["Location"] == "/"


def test_trainer_and_supervisor_are_sent_to_the_admin(client):
    unit = neighbourhood()
    for user in (trainer(org_unit=unit), supervisor(org_unit=unit)):
        response = login(client, user)
        assert response["Location"] == reverse("wagtailadmin_home")
        client.logout()


def test_learner_cannot_open_the_admin(client):
    client.force_login(learner())
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_supervisor_opens_the_admin(client):
    client.force_login(supervisor(org_unit=neighbourhood()))
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_logout_needs_a_post(client):
    client.force_login(learner())
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_logout_is_refused_without_a_csrf_token():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(learner())
    assert client.post(reverse("accounts:logout")).status_code == 403
    assert "_auth_user_id" in client.session


def test_learner_changes_their_password(client):
    worker = learner()
    client.force_login(worker)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "Yangpu-weiketang-2026",
            "new_password2": "Yangpu-weiketang-2026",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    worker.refresh_from_db()
    assert worker.check_password("Yangpu-weiketang-2026")
    # The session survives the change (Django rotates its hash).
    assert client.get(reverse("accounts:password_change_done")).status_code == 200


def test_password_change_refuses_a_wrong_old_password(client):
    worker = learner()
    client.force_login(worker)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "Yangpu-weiketang-2026",
            "new_password2": "Yangpu-weiketang-2026",
        },
    )
    assert response.status_code == 200
    worker.refresh_from_db()
    assert worker.check_password(DEFAULT_PASSWORD)


def test_password_change_needs_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_account_page_shows_name_unit_and_no_admin_link_for_a_learner(client):
    worker = learner(
        org_unit=neighbourhood("五环居民区"), first_name="李晓梅", last_name=""
    )
    client.force_login(worker)
    html = client.get(reverse("accounts:account")).content.decode()
    assert "李晓梅" in html
    assert "五环居民区" in html
    assert worker.profile.get_position_display() in html
    assert reverse("wagtailadmin_home") not in html


def test_account_page_links_staff_to_the_admin(client):
    client.force_login(trainer())
    html = client.get(reverse("accounts:account")).content.decode()
    assert f'href="{reverse("wagtailadmin_home")}"' in html


def test_site_shell_has_skip_link_nav_language_switch_and_logout(client):
    client.force_login(learner(first_name="王芳", last_name=""))
    html = client.get(reverse("accounts:account")).content.decode()
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    assert 'action="/i18n/setlang/"' in html
    assert 'value="en"' in html
    assert f'action="{reverse("accounts:logout")}"' in html
    assert "王芳" in html
    assert 'aria-current="page"' in html


def test_anonymous_visitors_get_a_sign_in_link_that_returns_them(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string
    from django.urls import resolve

    request = rf.get("/courses/")
    request.user = AnonymousUser()
    request.resolver_match = resolve("/courses/")
    html = render_to_string("base.html", request=request)
    assert f'href="{reverse("accounts:login")}?next=/courses/"' in html
    assert reverse("accounts:logout") not in html


def test_login_page_marks_no_tab_as_current(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'aria-current="page"' not in html


def test_account_page_works_for_a_user_without_a_profile(client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("noprofile", password="x-123456789")
    client.force_login(user)
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 200
    assert "noprofile" in response.content.decode()


def test_login_page_with_its_stylesheet_stays_light(client):
    """The shell is part of every lesson page's 50 KB budget before play."""
    import gzip

    from django.contrib.staticfiles import finders

    html = client.get(reverse("accounts:login")).content
    with open(finders.find("cms/site.css"), "rb") as css:
        stylesheet = css.read()
    compressed = len(gzip.compress(html)) + len(gzip.compress(stylesheet))
    assert compressed < 4 * 1024, compressed
    assert "<script" not in html.decode()


def test_a_wrong_phone_login_gets_a_plain_chinese_message(client):
    learner(username="13912345678")
    response = client.post(
        reverse("accounts:login"), {"username": "13912345678", "password": "nope"}
    )
    html = response.content.decode()
    assert "手机号（或用户名）或密码不对，请检查后再试。" in html
    assert "请输入一个正确的" not in html  # Django's stock message


def test_a_wrong_phone_login_in_english_is_english(client):
    response = client.post(
        reverse("accounts:login"),
        {"username": "13912345678", "password": "nope"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "mobile number (or username) or password is wrong" in (
        response.content.decode()
    )


def test_a_phone_number_typed_with_spaces_or_86_signs_in(client):
    worker = learner(username="13912345678")
    for typed in ("139 1234 5678", "+86 139-1234-5678"):
        response = client.post(
            reverse("accounts:login"),
            {"username": typed, "password": DEFAULT_PASSWORD},
        )
        assert response.status_code == 302, typed
        assert client.session["_auth_user_id"] == str(worker.pk)
        client.logout()


def test_nav_tabs_are_hidden_from_signed_out_visitors(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'aria-label="主导航"' not in html
    client.force_login(learner())
    html = client.get(reverse("accounts:account")).content.decode()
    assert 'aria-label="主导航"' in html


def test_admin_login_is_chinese_and_points_learners_to_their_sign_in(client):
    html = client.get(reverse("wagtailadmin_login")).content.decode()
    assert "<title>管理后台登录" in html
    assert "登录微课堂管理后台" in html
    assert f'href="{reverse("accounts:login")}"' in html
    assert "Sign in" not in html
    assert ">Password" not in html  # the label, from locale_wagtail/


def test_a_signed_in_learner_on_the_admin_login_is_told_and_sent_home(client):
    client.force_login(learner())
    response = client.get(reverse("wagtailadmin_home"), follow=True)
    html = response.content.decode()
    assert "你的账号不能进入管理后台。" in html
    assert 'href="/">返回学习首页' in html
