"""Simplified Chinese by default, English on request (header, cookie or switcher)."""

import ast
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.deps import require_binary
from tests.factories import neighbourhood, supervisor

pytestmark = pytest.mark.django_db


def test_default_language_is_simplified_chinese(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录微课堂" in html


def test_accept_language_en_shows_english(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Sign in to Weiketang" in html
    assert "登录微课堂" not in html


def test_a_chinese_phone_gets_chinese(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "登录微课堂" in response.content.decode()


def test_language_cookie_shows_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Sign in to Weiketang" in html


def test_switcher_sets_the_language_and_returns_to_the_page(client):
    response = client.post(
        reverse("set_language"),
        {"language": "en", "next": reverse("accounts:login")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Sign in to Weiketang" in html
    # And back again.
    client.post(reverse("set_language"), {"language": "zh-hans"})
    assert "登录微课堂" in client.get(reverse("accounts:login")).content.decode()


def test_lockout_page_is_translated(client, settings):
    settings.AXES_FAILURE_LIMIT = 1
    response = client.post(
        reverse("accounts:login"),
        {"username": "someone", "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_wagtail_admin_defaults_to_chinese_for_staff(client):
    client.force_login(supervisor(org_unit=neighbourhood()))
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'lang="zh-hans"' in html


def untranslated_msgids(language: str) -> list[str]:
    """msgids left untranslated in locale/<language>, as msgattrib sees them."""
    po = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"
    output = subprocess.run(
        [require_binary("msgattrib"), "--untranslated", "--no-wrap", str(po)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [
        ast.literal_eval(line[len("msgid ") :])
        for line in output.splitlines()
        if line.startswith("msgid ") and line != 'msgid ""'
    ]


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def test_every_chinese_string_in_the_catalogue_has_an_english_translation():
    assert [m for m in untranslated_msgids("en") if has_chinese(m)] == []


def test_every_english_msgid_has_a_chinese_translation():
    assert [m for m in untranslated_msgids("zh_Hans") if not has_chinese(m)] == []
