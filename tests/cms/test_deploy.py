"""`check --deploy` under the production settings, with a real-looking environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "AXES_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": "postgres://weiketang:Xk2-pass@db.internal:5432/weiketang",
            "REDIS_URL": "redis://redis.internal:6379/0",
            "DJANGO_ALLOWED_HOSTS": "weiketang.example.cn",
            "AXES_PROXY_COUNT": "1",
            "DJANGO_CSRF_TRUSTED_ORIGINS": "https://weiketang.example.cn",
            "WAGTAILADMIN_BASE_URL": "https://weiketang.example.cn",
        }
    )
    env.update(overrides)
    return env


def run_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issues():
    result = run_check(production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_fails_on_a_weak_secret_key():
    # Proves the check above would catch a bad setting.
    result = run_check(production_env(DJANGO_SECRET_KEY="short"))
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = run_check(env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_to_start_without_the_proxy_count():
    env = production_env()
    del env["AXES_PROXY_COUNT"]
    result = run_check(env)
    assert result.returncode != 0
    assert "AXES_PROXY_COUNT must be set in production" in result.stderr


def test_healthz_is_exempt_from_the_https_redirect_but_pages_are_not():
    code = (
        "from django.test import Client;"
        "c = Client(HTTP_HOST='weiketang.example.cn');"
        "print(c.get('/healthz').status_code, c.get('/accounts/login/').status_code)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    healthz, login = result.stdout.split()[-2:]
    # /healthz answers (503: this environment's database is not reachable),
    # while an ordinary page is sent to HTTPS.
    assert healthz in {"200", "503"}
    assert login == "301"
