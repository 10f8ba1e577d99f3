"""Lesson page on a phone: bytes before play and time to first video frame.

Run by hand from the repository root (PostgreSQL and Redis as for the tests):

    .venv/bin/python bench/lesson_page.py

It creates a fresh database (TEST_DATABASE_NAME, default bench_lesson_page),
uploads and transcodes a 12 s 1280x720 clip into the full HLS ladder, builds a
story lesson around it, collects static files the way production does (WhiteNoise,
compressed and hashed) and gzips HTML as a front proxy would, then drives Debian's
chromium at 390x844 under each network profile below:

- bytes transferred before play, by type, as sent (compressed) and decoded;
- time from pressing play to the first presented video frame
  (requestVideoFrameCallback), the rung the player started on, and the engine;
- the floor, measured in the same run under the same profile: a bare HTML page
  holding only <video src=the MP4 fallback>, started the same way.

Figures are printed as measured and as ratios to the floor; the machine is shared,
so only ratios from one run mean much.
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("TEST_DATABASE_NAME", "bench_lesson_page")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.testcases import LiveServerThread  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

# The same browser and phone as the tests.
from tests.deps import CHROMIUM, CHROMIUM_ARGS, new_phone_context  # noqa: E402

BUDGET_BYTES = 50 * 1024


@dataclass(frozen=True)
class Profile:
    name: str
    down_kbps: float | None  # None: no emulation
    up_kbps: float | None = None
    rtt_ms: float = 0


PROFILES = [
    Profile("no emulation", None),
    # Lighthouse's mobile "slow 4G": 150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up.
    Profile("slow 4G (1.6 Mbit/s, 150 ms)", 1638.4, 750, 150),
    # A weak signal in a stairwell: what the issue asks to start on the lowest rung.
    Profile("weak 4G (400 kbit/s, 150 ms)", 400, 150, 150),
]

# Clicks play and resolves with milliseconds to the first presented frame.
PLAY_AND_TIME = """
(selector) => new Promise((resolve) => {
  const video = document.querySelector("video");
  const t0 = performance.now();
  const done = () => resolve(performance.now() - t0);
  if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(done);
  else video.addEventListener("playing", done, { once: true });
  if (selector) document.querySelector(selector).click();
  else video.play();
  setTimeout(() => resolve(null), 60000);
})
"""


def build_demo():
    """A transcoded 720p clip with captions inside a branching story lesson."""
    from tests.factories import learner
    from tests.lessons.demo_video import transcoded_video
    from tests.lessons.stories import story_lesson

    started = time.perf_counter()
    video = transcoded_video(duration=12, size="1280x720", title="明园大楼的电梯")
    print(
        f"transcoded 12 s 1280x720 in {time.perf_counter() - started:.1f} s: rungs "
        + ", ".join(
            f"{r.profile} {r.bandwidth // 1000} kbit/s" for r in video.renditions.all()
        )
    )
    lesson = story_lesson(video=video, title="明园大楼加装电梯")
    user = learner()
    return lesson, user, video


def write_floor(video, lesson, cookie: dict) -> None:
    """The bare-MP4 page, with the fallback's URL signed for the bench's session."""
    from media.delivery import video_sources

    sources = video_sources(video=video, session_key=cookie["value"], page_id=lesson.pk)
    floor = Path(settings.MEDIA_ROOT) / "bench-floor.html"
    floor.write_text(
        '<!doctype html><meta name="viewport" content="width=device-width">'
        f'<video src="{sources.mp4}" preload="none" playsinline '
        'style="width:100%"></video>'
    )


def session_cookie(user, base_url: str) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": "sessionid",
        "value": client.cookies["sessionid"].value,
        "url": base_url,
    }


def new_page(browser, base_url, cookie, profile: Profile, *, cache: bool = False):
    context = new_phone_context(browser, base_url=base_url)
    context.add_cookies([cookie])
    page = context.new_page()
    page.set_default_timeout(90_000)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": not cache})
    if profile.down_kbps:
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": profile.rtt_ms,
                "downloadThroughput": profile.down_kbps * 1000 / 8,
                "uploadThroughput": profile.up_kbps * 1000 / 8,
            },
        )
    return context, page


def measure_lesson(browser, base_url, cookie, lesson_url, profile, *, warm=False):
    """Cold: nothing cached. Warm: hls.js already in the HTTP cache from an earlier
    lesson (its hashed name is cached for a year), everything else fetched again."""
    from tests.lessons.weigh import GZIP_LEVEL, PageWeigher

    context, page = new_page(browser, base_url, cookie, profile, cache=warm)
    if warm:
        page.goto(lesson_url, wait_until="load")
        src = page.get_attribute("[data-player]", "data-hls-src")
        page.evaluate("(u) => fetch(u).then((r) => r.arrayBuffer())", src)
    weigher = PageWeigher(page)
    started = time.perf_counter()
    page.goto(lesson_url, wait_until="load")
    load_ms = (time.perf_counter() - started) * 1000
    before = weigher.mark()
    by_kind: dict[str, list[int]] = {}
    for response in weigher.responses(0, before):
        kind = response.request.resource_type
        if kind not in ("document", "stylesheet", "script"):
            continue
        # Playwright reports -1 for a body served from the HTTP cache.
        sent = max(response.request.sizes()["responseBodySize"], 0)
        body = response.body()
        row = by_kind.setdefault(kind, [0, 0, 0])
        row[0] += sent
        row[1] += len(body)
        row[2] += len(gzip.compress(body, compresslevel=GZIP_LEVEL))
    other = [
        r.url
        for r in weigher.responses(0, before)
        if r.request.resource_type not in ("document", "stylesheet", "script")
    ]
    ect = page.evaluate(
        "navigator.connection ? [navigator.connection.effectiveType,"
        " navigator.connection.downlink + ' Mbit/s',"
        " navigator.connection.rtt + ' ms'].join(' ') : ''"
    )
    page.get_by_role("button", name="继续").click()
    finished: list[tuple[float, str]] = []
    page.on(
        "requestfinished",
        lambda request: finished.append((time.perf_counter(), request.url)),
    )
    pressed = time.perf_counter()
    ttff = page.evaluate(PLAY_AND_TIME, "[data-play]")
    if os.environ.get("BENCH_TRACE"):
        for at, url in finished:
            print(f"    +{(at - pressed) * 1000:6.0f} ms  {url.rsplit('/', 2)[-2:]}")
    after = weigher.urls(before)
    segments = [u for u in after if u.endswith(".m4s")]
    first_rung = segments[0].rsplit("/", 2)[-2] if segments else "-"
    engine = page.locator("video").get_attribute("data-engine")
    hls_js = next((r for r in weigher.responses(before) if "hls.light" in r.url), None)
    hls_sent = hls_js.request.sizes()["responseBodySize"] if hls_js and not warm else 0
    context.close()
    return {
        "by_kind": by_kind,
        "other": other,
        "load_ms": load_ms,
        "ect": ect,
        "ttff_ms": ttff,
        "first_rung": first_rung,
        "engine": engine,
        "hls_js_bytes": hls_sent,
    }


def measure_floor(browser, base_url, cookie, profile):
    context, page = new_page(browser, base_url, cookie, profile)
    page.goto(f"{settings.MEDIA_URL}bench-floor.html", wait_until="load")
    ttff = page.evaluate(PLAY_AND_TIME, None)
    context.close()
    return ttff


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def run(base_url: str, lesson, user, video) -> None:
    from playwright.sync_api import sync_playwright

    cookie = session_cookie(user, base_url)
    write_floor(video, lesson, cookie)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
        )
        from django.core.files.storage import default_storage

        print(
            f"MP4 fallback (the floor plays it): {video.width}x{video.height} source, "
            f"{kb(default_storage.size(video.mp4_name))}"
        )
        print(f"\nlesson page {lesson.url} at 390x844, HTTP cache off unless noted")
        runs = [(profile, False) for profile in PROFILES] + [(PROFILES[-1], True)]
        for profile, warm in runs:
            result = measure_lesson(
                browser, base_url, cookie, lesson.url, profile, warm=warm
            )
            floor = measure_floor(browser, base_url, cookie, profile)
            label = f"{profile.name}, hls.js cached" if warm else profile.name
            print(f"\n== {label} (navigator.connection: {result['ect']})")
            print("  before play       sent (compressed)  decoded  gzip -6")
            total = [0, 0, 0]
            for kind, (sent, raw, gz) in sorted(result["by_kind"].items()):
                print(f"  {kind:<16}  {kb(sent):>17}  {kb(raw):>7}  {kb(gz):>7}")
                total = [a + b for a, b in zip(total, (sent, raw, gz), strict=True)]
            verdict = "within" if total[0] <= BUDGET_BYTES else "OVER"
            print(
                f"  {'total':<16}  {kb(total[0]):>17}  {kb(total[1]):>7}  "
                f"{kb(total[2]):>7}   ({verdict} the 50 KB budget)"
            )
            print(f"  other requests before play: {len(result['other'])}")
            print(f"  page load event: {result['load_ms']:.0f} ms")
            print(
                f"  after play: engine={result['engine']}, first segment from "
                f"{result['first_rung']}, hls.js sent {kb(result['hls_js_bytes'])}"
            )
            ttff, floor_s = result["ttff_ms"], floor
            ratio = f"{ttff / floor_s:.2f}x the floor" if ttff and floor_s else "n/a"
            print(
                f"  time to first frame: {ttff:.0f} ms; floor (bare <video src=mp4>): "
                f"{floor_s:.0f} ms; {ratio}"
            )
        browser.close()


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    try:
        with override_settings(
            STATIC_ROOT=static_root,
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {
                    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
                },
            },
            MIDDLEWARE=["django.middleware.gzip.GZipMiddleware", *settings.MIDDLEWARE],
        ):
            call_command("collectstatic", interactive=False, verbosity=0)
            lesson, user, video = build_demo()
            # The app as production serves it: WhiteNoise's compressed static files,
            # gzipped HTML; media from MEDIA_ROOT (the test server's media handler).
            server = LiveServerThread("localhost", lambda app: app)
            server.daemon = True
            server.start()
            server.is_ready.wait()
            if server.error:
                raise server.error
            try:
                run(f"http://localhost:{server.port}", lesson, user, video)
            finally:
                server.terminate()
    finally:
        drop_bench_database(old_name)


def drop_bench_database(old_name: str) -> None:
    """Drop the bench database even if a server thread still holds a connection."""
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
