"""/healthz: database, broker, cache, ffmpeg; 200 when all pass, else 503."""

import json

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://:s3cret-password@127.0.0.1:1/0"


def get_health(client):
    response = client.get(reverse("healthz"))
    return response, json.loads(response.content)


def test_all_checks_pass_with_200(client):
    response, body = get_health(client)
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["failed"] == []
    assert set(body["checks"]) == {"database", "broker", "cache", "ffmpeg"}
    assert all(check["ok"] for check in body["checks"].values())
    assert "no-cache" in response["Cache-Control"]


def test_dead_broker_gives_503_naming_the_broker_without_its_password(client):
    with override_settings(CELERY_BROKER_URL=DEAD_REDIS):
        response, body = get_health(client)
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["failed"] == ["broker"]
    assert body["checks"]["broker"]["ok"] is False
    assert "s3cret" not in response.content.decode()
    assert "127.0.0.1:1" not in response.content.decode()


def test_missing_ffmpeg_gives_503_naming_ffmpeg(client, tmp_path):
    with override_settings(FFMPEG_BINARY=str(tmp_path / "no-such-ffmpeg")):
        response, body = get_health(client)
    assert response.status_code == 503
    assert body["failed"] == ["ffmpeg"]


def test_missing_ffprobe_gives_503_naming_ffmpeg(client, tmp_path):
    with override_settings(FFPROBE_BINARY=str(tmp_path / "no-such-ffprobe")):
        response, body = get_health(client)
    assert response.status_code == 503
    assert body["failed"] == ["ffmpeg"]


def test_dead_cache_gives_503_naming_the_cache(client):
    dead_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=dead_cache):
        response, body = get_health(client)
    assert response.status_code == 503
    assert body["failed"] == ["cache"]
    assert "s3cret" not in response.content.decode()


def test_filesystem_broker_passes_when_its_folder_is_writable(client, tmp_path):
    options = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path)}
    with override_settings(
        CELERY_BROKER_URL="filesystem://", CELERY_BROKER_TRANSPORT_OPTIONS=options
    ):
        response, body = get_health(client)
    assert response.status_code == 200, body
    assert body["checks"]["broker"] == {"ok": True, "transport": "filesystem"}


def test_filesystem_broker_fails_when_its_folder_is_missing(client, tmp_path):
    missing = str(tmp_path / "gone")
    options = {"data_folder_in": missing, "data_folder_out": missing}
    with override_settings(
        CELERY_BROKER_URL="filesystem://", CELERY_BROKER_TRANSPORT_OPTIONS=options
    ):
        response, body = get_health(client)
    assert response.status_code == 503
    assert body["failed"] == ["broker"]


def test_health_needs_no_login_and_refuses_writes(client):
    assert client.post(reverse("healthz")).status_code == 405


def test_a_passing_ffmpeg_check_is_remembered_briefly(client, monkeypatch):
    from cms import health
    from media import checks

    calls = []
    real_run = checks._run
    monkeypatch.setattr(
        checks, "_run", lambda binary, *a: calls.append(binary) or real_run(binary, *a)
    )
    monkeypatch.setattr(health, "_ffmpeg_ok_at", {})
    get_health(client)
    get_health(client)
    assert len(calls) == 3  # ffprobe -version, ffmpeg -encoders and -filters, once


def test_unreachable_database_gives_503_naming_the_database(client, monkeypatch):
    from django.db import connections

    from cms import health

    dead = connections.create_connection("default")
    dead.settings_dict = {**dead.settings_dict, "HOST": "127.0.0.1", "PORT": 1}
    monkeypatch.setattr(health, "connection", dead)
    try:
        response, body = get_health(client)
    finally:
        dead.close()
    assert response.status_code == 503
    assert body["failed"] == ["database"]
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}


def test_database_connections_give_up_within_seconds(settings):
    assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] <= 10


@pytest.fixture
def evicting_redis(tmp_path):
    """A throwaway Redis that evicts keys under memory pressure (a misconfiguration)."""
    import socket
    import subprocess
    import time

    import redis

    from tests.deps import require_binary

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [
            require_binary("redis-server"),
            "--bind", "127.0.0.1", "--port", str(port), "--save", "",
            "--appendonly", "no", "--dir", str(tmp_path),
            "--maxmemory-policy", "allkeys-lru",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url, socket_connect_timeout=1).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_broker_that_may_evict_tasks_gives_503_naming_the_broker(
    client, evicting_redis
):
    with override_settings(CELERY_BROKER_URL=evicting_redis):
        response, body = get_health(client)
    assert response.status_code == 503
    assert body["failed"] == ["broker"]
    assert body["checks"]["broker"]["eviction_policy"] == "allkeys-lru"
