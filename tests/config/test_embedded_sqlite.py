"""`make run`'s embedded deployment works on SQLite, end to end.

The rest of the suite runs on PostgreSQL, which is how PostgreSQL-only SQL and
lookups slipped into code that the embedded default (SQLite, Celery's file-system
broker, config.settings.embedded) also runs. This test does what
scripts/run-embedded.sh does before it starts the servers (migrate, collectstatic,
seed_demo, which transcodes the six demo videos) in a fresh var dir, then walks
the demo as a worker, a street supervisor and a trainer (tests/config/
embedded_walk.py) in a process of its own. About two minutes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.deps import require_binary

ROOT = Path(__file__).resolve().parents[2]
# What would point the embedded run at this suite's PostgreSQL and Redis, or at
# other storage: the embedded default must come from its own settings alone.
NOT_INHERITED = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "DJANGO_MEDIA_ROOT",
    "DJANGO_STATIC_ROOT",
    "DJANGO_DEFAULT_STORAGE",
    "DJANGO_SECRET_KEY",
    "TEST_DATABASE_NAME",
)


def _run(label: str, args: list[str], env: dict, timeout: int) -> str:
    try:
        done = subprocess.run(
            args,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"{label} took longer than {timeout} s") from exc
    output = (done.stdout + done.stderr)[-6000:]
    assert done.returncode == 0, (
        f"{label} failed on SQLite (exit {done.returncode}):\n{output}"
    )
    return done.stdout


def _var_dir(tmp_path: Path) -> Path:
    """In memory where there is a tmpfs: SQLite's syncs during the ~200
    migrations otherwise take most of the time on a busy disk."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="wkt-embedded-", dir=shm)) / "var"
    return tmp_path / "var"


def test_embedded_demo_migrates_seeds_and_serves_every_role(tmp_path):
    require_binary("ffmpeg")
    require_binary("fc-match")
    var = _var_dir(tmp_path)
    try:
        _migrate_seed_and_walk(var)
    finally:
        if var.parent != tmp_path:
            shutil.rmtree(var.parent, ignore_errors=True)


def _migrate_seed_and_walk(var: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.embedded",
        "WEIKETANG_VAR_DIR": str(var),
        "PYTHONUNBUFFERED": "1",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    _run("migrate", [*manage, "migrate", "--no-input", "-v0"], env, 300)
    assert (var / "db.sqlite3").exists()
    _run("collectstatic", [*manage, "collectstatic", "--no-input", "-v0"], env, 300)
    seeded = _run("seed_demo", [*manage, "seed_demo"], env, 600)
    assert "progress: 3 assignments" in seeded, seeded
    walked = _run(
        "the walk as worker01, sup_jiangpu and trainer1",
        [sys.executable, str(ROOT / "tests" / "config" / "embedded_walk.py")],
        env,
        300,
    )
    assert "walk ok" in walked, walked
