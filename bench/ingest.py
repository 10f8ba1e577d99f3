"""Progress ingest: POST /api/progress/events beside the floor, over gunicorn.

Run by hand from the repository root (PostgreSQL and Redis as for the tests):

    .venv/bin/python bench/ingest.py [--requests 1500] [--clients 16] [--workers 200]

It creates a fresh database (TEST_DATABASE_NAME, default bench_ingest), makes
--workers learners and a course of video lessons, and starts gunicorn on
loopback (config.settings.loadtest: persistent database connections, 4 processes
x 4 threads). Then, alternating --rounds times (default 3):

- the floor: POST /bench/floor, a django-ninja endpoint behind the same
  middleware, session authentication and CSRF check, returning a constant JSON
  body (same request body as the progress run);
- progress: POST /api/progress/events with batches of 20 new events (played
  intervals of a worker's lesson) from many workers, each stored with one INSERT
  ... ON CONFLICT and folded into the worker's LessonProgress and ledger.

It prints requests/s, events/s, p50 and p99 latency of each, the CPU
milliseconds per request spent by gunicorn, PostgreSQL and the client (from
/proc, so where the time goes is visible even when the machine is busy), and
progress as a ratio of the floor's request rate, per round and as the median
of the rounds (goal: at least 0.5). The machine is shared: only ratios from one
run mean much.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("TEST_DATABASE_NAME", "bench_ingest")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

BATCH = 20
T0 = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)


def build(workers: int, lessons: int):
    from tests.factories import learner
    from tests.lessons.factories import (
        CoursePageFactory,
        LessonPageFactory,
        Script,
        video_row,
    )

    course = CoursePageFactory(title="基准课程")
    pages = [
        LessonPageFactory(
            parent=course, script=Script().video(video_row(duration=3600)).build()
        )
        for _ in range(lessons)
    ]
    users = [learner() for _ in range(workers)]
    return pages, users


def progress_jobs(users, lessons, requests: int, creds):
    """`requests` batches of 20 new ticks; each worker plays on from where it was."""
    from progress.loadgen import body

    jobs = []
    cursor = {u.pk: 0 for u in users}
    for n in range(requests):
        user = users[n % len(users)]
        lesson = lessons[n % len(lessons)]
        block = next(b.id for b in lesson.script if b.block_type == "video")
        events = []
        for _ in range(BATCH):
            i = cursor[user.pk]
            cursor[user.pk] += 1
            start = (i * 10) % 3590
            at = T0 + timedelta(seconds=10 * (i + 1))
            events.append(
                {
                    "event_id": str(uuid.uuid4()),
                    "lesson": lesson.pk,
                    "type": "tick",
                    "block": block,
                    "position": start + 10,
                    "played": {"start": start, "end": start + 10},
                    "wall_seconds": 10,
                    "rate": 1,
                    "client_time": at.isoformat().replace("+00:00", "Z"),
                }
            )
        jobs.append((creds[user.pk], "/api/progress/events", body(events), BATCH))
    return jobs


def _cpu_seconds() -> dict[str, float]:
    """CPU seconds so far of gunicorn, PostgreSQL and this (client) process."""
    tick = os.sysconf("SC_CLK_TCK")
    totals = {"web": 0.0, "db": 0.0}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as cmd:
                cmdline = cmd.read()
        except OSError:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if b"gunicorn" in cmdline:
            totals["web"] += seconds
        elif cmdline.startswith(b"postgres"):
            totals["db"] += seconds
    own = os.times()
    totals["client"] = own.user + own.system
    return totals


def measured(send, **kwargs):
    """Run `send(**kwargs)`; the run and the CPU milliseconds per request it cost."""
    before = _cpu_seconds()
    run = send(**kwargs)
    after = _cpu_seconds()
    cpu = {k: (after[k] - before[k]) * 1000 / run.requests for k in before}
    return run, cpu


def report(name: str, run, floor_rps: float | None = None, cpu=None) -> None:
    bad = [s for s in run.statuses if not 200 <= s < 300]
    rps = run.requests / run.seconds
    line = (
        f"{name:<9} {run.requests:>6} req  {rps:8.1f} req/s  "
        f"{run.events / run.seconds:9.1f} events/s  "
        f"p50 {run.percentile(50) * 1000:6.1f} ms  "
        f"p99 {run.percentile(99) * 1000:7.1f} ms"
    )
    if floor_rps:
        line += f"  = {rps / floor_rps:.2f}x floor"
    if bad:
        line += f"  ({len(bad)} non-2xx: {sorted(set(bad))})"
    if cpu:
        line += "\n          CPU ms/request: " + ", ".join(
            f"{k} {v:.2f}" for k, v in cpu.items()
        )
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=200)
    parser.add_argument("--lessons", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--async-commit",
        action="store_true",
        help="serve with PROGRESS_SYNCHRONOUS_COMMIT=off (see README)",
    )
    args = parser.parse_args()
    os.environ["PROGRESS_SYNCHRONOUS_COMMIT"] = "off" if args.async_commit else "on"

    from progress.loadgen import Gunicorn, send_all, session_for
    from progress.models import ProgressEvent
    from tests.conftest import _database_url

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        lessons, users = build(args.workers, args.lessons)
        creds = {u.pk: session_for(u) for u in users}
        server = Gunicorn(
            database_url=_database_url(), settings_module="config.settings.loadtest"
        )
        try:
            print(
                f"gunicorn 4x4 threads on 127.0.0.1:{server.port}, {args.clients}"
                f" clients, {args.workers} workers, batches of {BATCH} events,"
                f" synchronous_commit {os.environ['PROGRESS_SYNCHRONOUS_COMMIT']}",
                flush=True,
            )
            sample = progress_jobs(users, lessons, 1, creds)[0][2]
            warm = progress_jobs(users, lessons, 200, creds)
            send_all(port=server.port, jobs=warm, clients=args.clients)

            def floor_jobs(n):
                return [
                    (creds[users[i % len(users)].pk], "/bench/floor", sample, 0)
                    for i in range(n)
                ]

            send_all(port=server.port, jobs=floor_jobs(200), clients=args.clients)
            # Planner statistics as a running system has them (autovacuum would
            # take a minute to notice the warm-up's rows).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            ratios = []
            for round_no in range(1, args.rounds + 1):
                floor, cpu = measured(
                    send_all,
                    port=server.port,
                    jobs=floor_jobs(args.requests),
                    clients=args.clients,
                )
                report(f"floor {round_no}", floor, cpu=cpu)
                jobs = progress_jobs(users, lessons, args.requests, creds)
                progress, cpu = measured(
                    send_all, port=server.port, jobs=jobs, clients=args.clients
                )
                floor_rps = floor.requests / floor.seconds
                report(f"events {round_no}", progress, floor_rps, cpu=cpu)
                ratios.append(progress.requests / progress.seconds / floor_rps)
            stored = ProgressEvent.objects.count()
            print(
                f"ratio to the floor: median {statistics.median(ratios):.2f},"
                f" range {min(ratios):.2f}-{max(ratios):.2f}"
                f" (goal >= 0.5); events stored: {stored}"
            )
        finally:
            server.stop()
    finally:
        from django.db import connections

        bench_name = connection.settings_dict["NAME"]
        connections.close_all()
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [bench_name],
            )
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
