"""`make run`: a single-machine deployment, as Kolibri's is.

SQLite and Celery's file-system broker under var/, gunicorn in front (see
scripts/run-embedded.sh), WhiteNoise serving compressed static files with hashed
names, DEBUG off (the site's own Chinese error pages). Plain HTTP on a LAN, so
cookies are not marked Secure; put a TLS proxy in front and use the production
settings for anything bigger.
"""

import os
import secrets

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR, env_list

DEBUG = False
for _sub in (
    "broker/queue",
    "broker/processed",
    "broker/control",
    "uploads",
    "cache",
    "log",
):
    (VAR_DIR / _sub).mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """DJANGO_SECRET_KEY, or one made on first start and kept in var/secret_key."""
    if os.environ.get("DJANGO_SECRET_KEY"):
        return os.environ["DJANGO_SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# The host `make run` listens on (HOST=0.0.0.0 serves the LAN: add its names).
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
_host = os.environ.get("WEIKETANG_HOST", "")
if _host and _host not in ("0.0.0.0", "::") and _host not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_host)

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web workers and the Celery worker write the same file: WAL lets readers
    # go on during a write, IMMEDIATE takes the write lock up front (no
    # "database is locked" halfway through a transaction), and a writer waits
    # up to 20 s for another.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

STORAGES = {
    "default": {
        "BACKEND": os.environ.get(
            "DJANGO_DEFAULT_STORAGE", "django.core.files.storage.FileSystemStorage"
        )
    },
    # Hashed names (served with a ten-year immutable max-age) and .gz copies.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# No front proxy: the app delivers media itself.
SERVE_MEDIA = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"
