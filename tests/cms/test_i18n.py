"""Simplified Chinese by default, English on request (header, cookie or switcher)."""

import ast
import re
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


CJK_IDEOGRAPH = "\u4e00-\u9fff"
# Ideographs plus CJK and full-width punctuation: "%(name)s（%(type)s）" is Chinese.
CHINESE = re.compile(f"[{CJK_IDEOGRAPH}\u3000-\u303f\uff00-\uffef]")
HALF_WIDTH = "[:;,()]"
# A half-width colon, semicolon, comma or parenthesis next to a Chinese character
# (讲师:周敏, 缺少街道(或组织编码)), which Chinese text writes full-width (：；，（）).
HALF_WIDTH_IN_CHINESE = re.compile(
    f"[{CJK_IDEOGRAPH}] ?{HALF_WIDTH}|{HALF_WIDTH} ?[{CJK_IDEOGRAPH}]"
)
# In a template, parentheses straight after a value are text of no language that
# shows half-width in Chinese: {{ name }}({{ type }}) belongs in a translated string.
PARENTHESIS_AFTER_VALUE = re.compile(r"\}\}\s*\(")
TEMPLATE_ROOTS = ("cms", "lessons", "media", "quizzes", "templates")


def has_chinese(text: str) -> bool:
    return bool(CHINESE.search(text))


def catalogue_entries(language: str) -> list[dict]:
    """Each entry of locale/<language>'s catalogue: msgid, msgstrs, flags."""
    po = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"
    entries, entry, field = [], None, None
    for line in po.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry and entry["msgid"]:
                entries.append(entry)
            entry, field = None, None
            continue
        entry = entry or {"msgid": "", "msgstr": [], "flags": set()}
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgid ", "msgid_plural ")):
            field = "msgid"
            if line.startswith("msgid "):
                entry["msgid"] = ast.literal_eval(line.split(" ", 1)[1])
        elif line.startswith("msgstr"):
            field = "msgstr"
            entry["msgstr"].append(ast.literal_eval(line.split(" ", 1)[1]))
        elif line.startswith('"') and field == "msgid":
            entry["msgid"] += ast.literal_eval(line)
        elif line.startswith('"') and field == "msgstr":
            entry["msgstr"][-1] += ast.literal_eval(line)
    return entries


def test_every_chinese_string_in_the_catalogue_has_an_english_translation():
    assert [m for m in untranslated_msgids("en") if has_chinese(m)] == []


def test_msgids_are_written_in_chinese():
    # One language for msgids (see CONTRIBUTING.md); English is a translation.
    assert [
        e["msgid"] for e in catalogue_entries("en") if not has_chinese(e["msgid"])
    ] == []


@pytest.mark.parametrize("language", ["en", "zh_Hans"])
def test_no_catalogue_entry_is_fuzzy(language):
    # makemessages marks a changed msgid's old translation fuzzy; gettext then
    # ignores it, so the page shows Chinese in English (or a wrong guess).
    fuzzy = [e["msgid"] for e in catalogue_entries(language) if "fuzzy" in e["flags"]]
    assert fuzzy == []


def every_catalogue() -> list[Path]:
    return sorted(
        po
        for root in settings.LOCALE_PATHS
        for po in Path(root).glob("*/LC_MESSAGES/django.po")
    )


@pytest.mark.parametrize("po", every_catalogue(), ids=lambda po: str(po.parent.parent))
def test_every_catalogue_compiles_with_gettexts_checks(po):
    # A merge can drop a header line (Plural-Forms): compilemessages then fails
    # or, worse, plural strings fall back to English.
    require_binary("msgfmt")
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    fatal = [line for line in result.stderr.splitlines() if "warning" not in line]
    assert result.returncode == 0, "\n".join(fatal)


def test_the_fuzzy_check_reads_a_fuzzy_entry(tmp_path, settings):
    po = tmp_path / "en" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n\n#, fuzzy, python-format\nmsgid "缺少组织编码"\n'
        'msgstr "Org unit code"\n',
        encoding="utf-8",
    )
    settings.LOCALE_PATHS = [tmp_path]
    [entry] = catalogue_entries("en")
    assert "fuzzy" in entry["flags"] and entry["msgid"] == "缺少组织编码"


def test_chinese_catalogue_strings_use_full_width_punctuation():
    texts = [
        text
        for entry in catalogue_entries("zh_Hans")
        for text in (entry["msgid"], *entry["msgstr"])
    ]
    assert [t for t in texts if HALF_WIDTH_IN_CHINESE.search(t)] == []


def template_files() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return sorted(
        path for top in TEMPLATE_ROOTS for path in (root / top).rglob("*.html")
    )


def test_templates_use_full_width_punctuation_in_chinese_text():
    found = []
    for path in template_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            for pattern in (HALF_WIDTH_IN_CHINESE, PARENTHESIS_AFTER_VALUE):
                if match := pattern.search(line):
                    found.append(f"{path}:{number + 1}: {match.group()!r}")
    assert template_files() and found == []


@pytest.mark.parametrize(
    "text",
    ["讲师:周敏", "缺少街道(或组织编码)", "视频还在处理,稍后再来", "例如: 电梯"],
)
def test_the_punctuation_check_catches_half_width_marks(text):
    assert HALF_WIDTH_IN_CHINESE.search(text)


@pytest.mark.parametrize(
    "text", ["讲师：周敏", "%(count)d 处错误", "%(unit)s：%(units)d 个", "WebVTT 文件"]
)
def test_the_punctuation_check_passes_full_width_and_placeholders(text):
    assert not HALF_WIDTH_IN_CHINESE.search(text)


def test_narration_is_not_set_in_synthetic_italics():
    css = (Path(settings.BASE_DIR) / "lessons/static/lessons/lessons.css").read_text()
    italic_rules = re.findall(r"([^{}]+)\{[^}]*font-style:\s*italic", css)
    # Italics only where the page is English (:lang(en)); Chinese fonts have none.
    assert all(":lang(en)" in selector for selector in italic_rules)
