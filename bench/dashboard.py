"""Supervisor dashboards at district scale: p50/p95 per page beside the floor.

Run by hand from the repository root, on a database filled by seed_scale:

    createdb -h 127.0.0.1 -U postgres wkt_dash
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/wkt_dash
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_scale --workers 10000 --lessons 200
    .venv/bin/python bench/dashboard.py [--requests 40]

It starts gunicorn (2 workers, persistent database connections, DEBUG off) on
loopback against that PostgreSQL database, signs in the district, a street and
a neighbourhood supervisor (sessions made in the database), and requests the
district overview, a street, a neighbourhood and a worker page as their
supervisors over HTTP, one after another; then the trainers' lesson list
(微课分析) and one lesson's page as a trainer (a bench user, trainer_scale, made
in the Trainers group if missing). The trainers' unit rows are filled once
before (a full dashboards.services.trainer_figures refresh, timed), and a thread
moves their mark on every 30 s as the beat's refresh does when nothing changed
(the pages fall back to the raw rows when it is over a minute old).
Pass --pages trainer (a substring of the names) to time some pages only.
The floor, measured in the same run:
one raw SQL GROUP BY over the progress rows computing the district's completion
per lesson (psycopg, no Django, no HTTP). Goal: every page's p95 below the floor
and under 200 ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
if not os.environ.get("DATABASE_URL"):
    sys.exit("Set DATABASE_URL to the seed_scale database (see the docstring).")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,  # noqa: E402
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from cms.models import OrgUnit  # noqa: E402
from dashboards.scale import CODE  # noqa: E402
from dashboards.services.trainer_figures import trainer_figures_refresh  # noqa: E402
from lessons.models import LessonPage  # noqa: E402

FLOOR_SQL = """
SELECT lp.lesson_id,
       COUNT(*) FILTER (WHERE lp.status = 'completed')::float / COUNT(*) AS rate
FROM progress_lessonprogress lp
JOIN cms_profile p ON p.user_id = lp.user_id
JOIN cms_orgunit u ON u.id = p.org_unit_id
WHERE u.path LIKE %s
GROUP BY lp.lesson_id
"""


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def session_cookie(user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_page(port, path, cookie, n) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times = []
    for i in range(n + 3):
        t0 = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - t0) * 1000
        if response.status != 200:
            sys.exit(f"{path}: HTTP {response.status}\n{body[:500]!r}")
        if i >= 3:  # the first requests warm the worker's caches and connections
            times.append(elapsed)
    conn.close()
    return times


def time_floor(path_prefix, n) -> list[float]:
    times = []
    with connection.cursor() as cursor:
        for i in range(n + 3):
            t0 = time.perf_counter()
            cursor.execute(FLOOR_SQL, [path_prefix + "%"])
            cursor.fetchall()
            if i >= 3:
                times.append((time.perf_counter() - t0) * 1000)
    return times


def bench_trainer():
    """A trainer to sign in (seed_scale makes none)."""
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(username="trainer_scale")
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


def move_marks_on(stop: threading.Event) -> None:
    """What the beat's refresh does to the trainers' rows with no dirty worker."""
    while not stop.wait(30):
        with transaction.atomic():
            trainer_figures_refresh(unit_ids=set())
    connection.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--pages", default="", help="only pages whose name has this")
    args = parser.parse_args()

    district = OrgUnit.objects.get(code=CODE)
    street = OrgUnit.objects.get(code=f"{CODE}-s01")
    nbhd = OrgUnit.objects.get(code=f"{CODE}-s01-n01")
    User = get_user_model()
    sups = {
        "district": User.objects.get(username="sup_scale_district"),
        "street": User.objects.get(username=f"sup_{street.code}"),
        "neighbourhood": User.objects.get(username=f"sup_{nbhd.code}"),
    }
    worker = (
        User.objects.filter(profile__org_unit=nbhd, groups__name="Learners")
        .order_by("pk")
        .first()
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM progress_lessonprogress")
        progress_rows = cursor.fetchone()[0]
    workers = User.objects.filter(
        profile__org_unit__path__startswith=district.path, groups__name="Learners"
    ).count()
    sups["trainer"] = bench_trainer()
    lesson = LessonPage.objects.live().order_by("path").first()
    pages = [
        ("district overview", f"/admin/learning/unit/{district.pk}/", "district"),
        ("street", f"/admin/learning/unit/{street.pk}/", "street"),
        ("neighbourhood", f"/admin/learning/unit/{nbhd.pk}/", "neighbourhood"),
        ("worker", f"/admin/learning/worker/{worker.pk}/", "neighbourhood"),
        ("trainer lesson list", "/admin/learning/lessons/", "trainer"),
        ("trainer lesson", f"/admin/learning/lessons/{lesson.pk}/", "trainer"),
    ]
    pages = [page for page in pages if args.pages in page[0]]
    cookies = {key: session_cookie(user) for key, user in sups.items()}
    t0 = time.perf_counter()
    with transaction.atomic():
        trainer_figures_refresh(unit_ids=None)
    print(f"trainers' unit rows filled in {time.perf_counter() - t0:.1f} s")
    beat = threading.Event()
    threading.Thread(target=move_marks_on, args=(beat,), daemon=True).start()

    port = free_port()
    env = {**os.environ, "DATABASE_CONN_MAX_AGE": "600"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}",
         "-w", "2", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        load_before = os.getloadavg()
        floor = time_floor(district.path, args.requests)
        results = [
            (name, time_page(port, path, cookies[who], args.requests))
            for name, path, who in pages
        ]
        floor += time_floor(district.path, args.requests)  # before and after
    finally:
        beat.set()
        server.terminate()
        server.wait(timeout=20)

    f50, f95 = percentile(floor, 0.5), percentile(floor, 0.95)
    print(
        f"dashboards at {workers} workers, {progress_rows} progress rows; "
        f"{args.requests} requests per page, sequential, gunicorn -w 2"
    )
    # The machine may be shared: times are wall clock, read them with the load.
    load_after = os.getloadavg()
    print(
        f"load average (1/5/15 min) before {'/'.join(f'{x:.2f}' for x in load_before)}"
        f", after {'/'.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} CPUs"
    )
    print(f"{'page':<20}{'p50 ms':>9}{'p95 ms':>9}{'p95/floor p50':>15}  goal")
    print(f"{'floor (SQL)':<20}{f50:>9.1f}{f95:>9.1f}{'1.00':>15}")
    for name, times in results:
        p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
        ok = p95 < f50 and p95 < 200
        print(
            f"{name:<20}{p50:>9.1f}{p95:>9.1f}{p95 / f50:>15.2f}  "
            f"{'met' if ok else 'missed'}"
        )


if __name__ == "__main__":
    main()
