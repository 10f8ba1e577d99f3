"""Walk the seeded embedded demo as its users would (run by test_embedded_sqlite).

Run in a process of its own with DJANGO_SETTINGS_MODULE=config.settings.embedded
and WEIKETANG_VAR_DIR pointing at a migrated, seeded var dir: this module sets
Django up itself. Each request goes through django.test.Client (CSRF enforced,
as on the site) against the SQLite database; every step that does not answer
as expected is printed as `FAIL <who> <what>: <status> <detail>`, and the
process exits 1 if any did (0 and `walk ok: N requests` otherwise).
"""

from __future__ import annotations

import json
import sys
import traceback
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

HOST = "127.0.0.1"
failures: list[str] = []
requests = 0


class Walker:
    """A signed-in person's browser: CSRF enforced, the token from its cookie."""

    def __init__(self, username: str):
        self.name = username
        self.user = get_user_model().objects.get(username=username)
        self.client = Client(enforce_csrf_checks=True, HTTP_HOST=HOST)
        self.client.force_login(self.user)

    def csrf(self) -> str:
        if "csrftoken" not in self.client.cookies:
            self.client.get(reverse("progress:me"))
        return self.client.cookies["csrftoken"].value

    def check(self, what: str, response, expected=(200,)):
        global requests
        requests += 1
        if response.status_code not in expected:
            body = getattr(response, "content", b"")[:300].decode("utf-8", "replace")
            failures.append(
                f"FAIL {self.name} {what}: {response.status_code} "
                f"(expected {expected}) {' '.join(body.split())}"
            )
        return response

    def get(self, what: str, url: str, expected=(200,), follow=False):
        return self.check(what, self.client.get(url, follow=follow), expected)

    def send(self, what: str, method: str, url: str, body, expected=(200,)):
        call = getattr(self.client, method)
        response = call(
            url,
            data=json.dumps(body) if body is not None else None,
            content_type="application/json",
            HTTP_X_CSRFTOKEN=self.csrf(),
        )
        return self.check(what, response, expected)


def step(label: str):
    """Run one part of the walk; an exception is a failure, the walk goes on."""

    def wrap(func):
        def run(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception:  # noqa: BLE001 (reported, then the next part runs)
                failures.append(f"FAIL {label}: exception\n{traceback.format_exc()}")

        return run

    return wrap


@step("worker01")
def walk_worker():
    from lessons.models import LessonPage
    from quizzes.models import QuizPlacement
    from quizzes.services import attempts_left

    me = Walker("worker01")
    home = me.get("home feed", "/")
    if home.status_code == 200 and "学习任务" not in home.content.decode():
        failures.append("FAIL worker01 home feed: no 学习任务 (due) section")
    lesson = next(
        lesson
        for lesson in LessonPage.objects.live().order_by("path")
        if any(b.block_type == "video" for b in lesson.script)
    )
    me.get("lesson page", lesson.get_url())
    video = next(b for b in lesson.script if b.block_type == "video")
    step_block = next(b for b in lesson.script if b.block_type != "video")
    decision = next(b for b in lesson.script if b.block_type == "decision")
    now = datetime.now(UTC)
    events = [
        {"event_id": str(uuid.uuid4()), "lesson": lesson.pk, "type": "play",
         "block": video.id, "position": 0, "rate": 1,
         "client_time": (now - timedelta(seconds=8)).isoformat()},
        {"event_id": str(uuid.uuid4()), "lesson": lesson.pk, "type": "ended",
         "block": video.id, "position": 6, "rate": 1, "wall_seconds": 6.1,
         "played": {"start": 0, "end": 6}, "client_time": now.isoformat()},
        {"event_id": str(uuid.uuid4()), "lesson": lesson.pk, "type": "story_step",
         "block": step_block.id, "data": {"seconds": 12},
         "client_time": now.isoformat()},
    ]  # fmt: skip
    url = reverse("api:progress_events")
    sent = me.send("progress events", "post", url, {"events": events})
    if sent.status_code == 200:
        results = {r["result"] for r in sent.json()["results"]}
        if results != {"stored"}:
            failures.append(f"FAIL worker01 progress events: results {results}")
    again = me.send("progress events replayed", "post", url, {"events": events})
    if again.status_code == 200:
        results = {r["result"] for r in again.json()["results"]}
        if results != {"duplicate"}:
            failures.append(f"FAIL worker01 progress replay: results {results}")
    me.send(
        "decision",
        "post",
        reverse("api:lesson_decision_record", args=[lesson.pk]),
        {"decision_id": decision.id, "option_index": 0},
    )
    placement = next(
        p
        for p in QuizPlacement.objects.select_related("quiz").order_by("pk")
        if attempts_left(quiz=p.quiz, user=me.user) != 0
    )
    quiz = placement.quiz
    me.get("quiz page", reverse("quizzes:quiz", args=[quiz.pk]))
    started = me.send(
        "quiz start",
        "post",
        reverse("api:quiz_attempt_start", args=[quiz.pk]),
        None,
    )
    attempt = started.json()
    for question in attempt["questions"]:
        me.send(
            f"quiz answer {question['position']}",
            "put",
            reverse(
                "api:quiz_answer_save",
                args=[attempt["id"], question["position"]],
            ),
            {"option_ids": [question["options"][0]["id"]]},
        )
    me.send(
        "quiz submit",
        "post",
        reverse("api:quiz_attempt_submit", args=[attempt["id"]]),
        None,
    )
    me.get("quiz result", reverse("quizzes:result", args=[attempt["id"]]))
    me.get("my learning", reverse("progress:me"))
    me.get("daily review", reverse("quizzes:review"))
    me.get("home feed after learning", "/")


@step("sup_jiangpu")
def walk_supervisor():
    from cms.models import OrgUnit
    from cms.scoping import people_for

    me = Walker("sup_jiangpu")
    me.get("admin home", "/admin/")
    overview = me.get("learning overview", reverse("dashboards:home"))
    if overview.status_code == 200:
        text = overview.content.decode()
        for needed in ("江浦路街道", "五环居民区"):
            if needed not in text:
                failures.append(f"FAIL sup_jiangpu learning overview: no {needed}")
    street = OrgUnit.objects.get(code="jiangpu")
    child = street.get_children().order_by("path").first()
    me.get("child unit", reverse("dashboards:unit", args=[child.pk]))
    worker = people_for(me.user).filter(username__startswith="worker").first()
    me.get("worker page", reverse("dashboards:worker", args=[worker.pk]))
    for table in ("children", "trend", "courses", "lessons", "at_risk"):
        response = me.get(
            f"{table} CSV export",
            reverse("dashboards:unit", args=[street.pk]) + f"?export=csv&table={table}",
        )
        if response.status_code == 200 and not response.get(
            "Content-Type", ""
        ).startswith("text/csv"):
            failures.append(f"FAIL sup_jiangpu {table} CSV: {response['Content-Type']}")
    me.get("ledger CSV", "/admin/progress/ledger.csv")
    me.get("assignments", reverse("assignments:index"))
    me.get("read-only lessons", reverse("lesson_previews:index"))


@step("trainer1")
def walk_trainer():
    from lessons.models import CoursePage

    me = Walker("trainer1")
    me.get("admin home", "/admin/")
    # A trainer's explorer starts at the site's root page: a redirect there.
    me.get("pages explorer", "/admin/pages/", follow=True)
    course = CoursePage.objects.first()
    me.get("course in the explorer", f"/admin/pages/{course.pk}/")
    me.get("video listing", reverse("wagtailmedia:index"))
    me.get("quizzes listing", "/admin/snippets/quizzes/quiz/")
    me.get("lesson analytics", reverse("dashboards:trainer_lessons"))
    from lessons.models import LessonPage

    lesson = LessonPage.objects.live().order_by("path").first()
    me.get(
        "one lesson's analytics", reverse("dashboards:trainer_lesson", args=[lesson.pk])
    )
    me.get(
        "instructor types CSV",
        reverse("dashboards:trainer_lessons") + "?export=csv&table=instructor_types",
    )
    me.get("assignments", reverse("assignments:index"))
    me.get("new assignment form", reverse("assignments:add"))


def check_broker_folders():
    """The file-system broker writes under the var dir only (kombu's default
    control folder is ./control, wherever the worker starts)."""
    from django.conf import settings

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    var = Path(settings.VAR_DIR).resolve()
    for key in (
        "data_folder_in",
        "data_folder_out",
        "processed_folder",
        "control_folder",
    ):
        folder = options.get(key)
        if not folder or var not in Path(folder).resolve().parents:
            failures.append(f"FAIL broker {key}: {folder!r} is not under {var}")


def main() -> int:
    setup_test_environment()
    check_broker_folders()
    walk_worker()
    walk_supervisor()
    walk_trainer()
    for failure in failures:
        print(failure)
    if failures:
        print(f"walk failed: {len(failures)} of {requests} requests or checks")
        return 1
    print(f"walk ok: {requests} requests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
