"""Tests run against real PostgreSQL and Redis (DATABASE_URL / REDIS_URL override)."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")

from .base import *  # noqa: E402,F403
from .base import DATABASES  # noqa: E402

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"
# Parallel developers each set their own name so runs never collide.
DATABASES["default"]["TEST"] = {
    "NAME": os.environ.get("TEST_DATABASE_NAME", "test_weiketang")
}
DATABASES["default"]["CONN_MAX_AGE"] = 0
SERVE_MEDIA = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A run's uploads live in a temp dir that tests/conftest.py removes at the end.
MEDIA_ROOT_IS_TEMPORARY = not os.environ.get("DJANGO_MEDIA_ROOT")
MEDIA_ROOT = Path(
    os.environ.get("DJANGO_MEDIA_ROOT") or tempfile.mkdtemp(prefix="weiketang-media-")
)
# WhiteNoise only serves collected files; tests use the finders instead.
STATIC_ROOT = Path(tempfile.gettempdir()) / "weiketang-test-static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Failed sign-ins from 127.0.0.1 add up over the whole run in Redis: the address
# limit is out of reach here; tests/cms/test_address_throttle.py sets the real one.
LOGIN_ADDRESS_SLOW_AFTER = 10_000
LOGIN_ADDRESS_LOCK_AFTER = 20_000
