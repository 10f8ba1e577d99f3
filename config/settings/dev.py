"""The embedded default: SQLite and Celery's file-system broker under var/, DEBUG on."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from .base import *  # noqa: E402,F403
from .base import VAR_DIR  # noqa: E402

DEBUG = True
for _sub in ("broker/queue", "broker/processed", "uploads", "cache"):
    (VAR_DIR / _sub).mkdir(parents=True, exist_ok=True)
