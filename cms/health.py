"""Health checks behind /healthz: database, broker, cache and ffmpeg.

Each check returns a small dict that is safe to show to anyone: whether it
passed and, if not, the kind of error. Details (which may hold hosts or
credentials) go to the log only.
"""

import logging
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 3.0
# /healthz needs no login: remembering a passing ffmpeg check for a while keeps a
# flood of probes from becoming a flood of child processes.
FFMPEG_OK_REMEMBERED_SECONDS = 30.0
_ffmpeg_ok_at: dict[tuple[str, str], float] = {}

CheckResult = dict[str, object]


def _ok(**extra: object) -> CheckResult:
    return {"ok": True, **extra}


def _failed(name: str, exc: BaseException) -> CheckResult:
    logger.warning("health check %s failed: %r", name, exc)
    return {"ok": False, "error": type(exc).__name__}


def check_database() -> CheckResult:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
        if row != (1,):
            raise RuntimeError("SELECT 1 returned an unexpected row")
    except Exception as exc:
        return _failed("database", exc)
    return _ok(vendor=connection.vendor)


def _check_filesystem_broker() -> CheckResult:
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    folders = {
        Path(options[key])
        for key in ("data_folder_in", "data_folder_out")
        if options.get(key)
    }
    try:
        if not folders:
            raise RuntimeError("filesystem broker has no data folders")
        for folder in folders:
            # A real write, since os.access lies on read-only mounts.
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".healthz-"):
                pass
    except Exception as exc:
        return _failed("broker", exc)
    return _ok(transport="filesystem")


def check_broker() -> CheckResult:
    from kombu import Connection

    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        return _check_filesystem_broker()
    try:
        with Connection(
            url,
            connect_timeout=CHECK_TIMEOUT_SECONDS,
            transport_options={
                "socket_timeout": CHECK_TIMEOUT_SECONDS,
                "socket_connect_timeout": CHECK_TIMEOUT_SECONDS,
            },
        ) as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, timeout=CHECK_TIMEOUT_SECONDS
            )
            transport = str(conn.transport_cls)
            policy = _redis_eviction_policy(conn) if transport == "redis" else None
    except Exception as exc:
        return _failed("broker", exc)
    if policy not in (None, "noeviction"):
        # An evicting Redis silently drops queued tasks when memory runs short.
        logger.warning("health check broker: Redis maxmemory-policy is %s", policy)
        return {"ok": False, "error": "RedisMayEvictTasks", "eviction_policy": policy}
    return _ok(transport=transport)


def _redis_eviction_policy(conn) -> str | None:
    """Redis's maxmemory-policy, or None where CONFIG is not allowed (managed Redis)."""
    from redis.exceptions import ResponseError

    try:
        reply = conn.default_channel.client.config_get("maxmemory-policy")
    except ResponseError:
        return None
    return reply.get("maxmemory-policy")


def check_cache() -> CheckResult:
    key = f"healthz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=30)
        read_back = cache.get(key)
        cache.delete(key)
        if read_back != value:
            raise RuntimeError("the cache did not return the value just set")
    except Exception as exc:
        return _failed("cache", exc)
    return _ok()


def check_ffmpeg() -> CheckResult:
    binaries = (settings.FFMPEG_BINARY, settings.FFPROBE_BINARY)
    passed_at = _ffmpeg_ok_at.get(binaries)
    if passed_at is not None and time.monotonic() - passed_at < (
        FFMPEG_OK_REMEMBERED_SECONDS
    ):
        return _ok()
    from media.checks import ffmpeg_problems

    try:
        # The binaries the pipeline uses, with the encoders and filters it needs.
        problems = ffmpeg_problems(*binaries)
        if problems:
            raise RuntimeError("; ".join(problems))
    except Exception as exc:
        _ffmpeg_ok_at.pop(binaries, None)
        return _failed("ffmpeg", exc)
    _ffmpeg_ok_at[binaries] = time.monotonic()
    return _ok()


CHECKS: dict[str, Callable[[], CheckResult]] = {
    "database": check_database,
    "broker": check_broker,
    "cache": check_cache,
    "ffmpeg": check_ffmpeg,
}


def health_report() -> dict[str, object]:
    """Run every check; the report names the ones that failed."""
    checks = {name: check() for name, check in CHECKS.items()}
    failed = [name for name, result in checks.items() if not result["ok"]]
    return {
        "status": "fail" if failed else "ok",
        "failed": failed,
        "checks": checks,
    }
