"""Test settings served by gunicorn for load runs (concurrency test, bench/ingest.py).

Persistent database connections, as production has (a new connection per
request was 10x slower), and the URLs plus the floor endpoint the bench compares
the progress API against.
"""

import os

from .test import *  # noqa: F403
from .test import DATABASES

DATABASES["default"]["CONN_MAX_AGE"] = int(
    os.environ.get("DATABASE_CONN_MAX_AGE", "600")
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
ROOT_URLCONF = "progress.floor_urls"
