"""`manage.py import_video`, run as a real command line (real exit codes)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from media.models import Video

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def import_video(*args: str) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "REDIS_URL": settings.REDIS_URL,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "import_video", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_inline_json_imports_a_clip_ready_to_play(tiny_clip):
    done = import_video(str(tiny_clip), "--title", "楼组议事", "--inline", "--json")

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    video = Video.objects.get(pk=report["id"])
    assert (report["status"], report["error"]) == ("ready", "")
    assert video.title == "楼组议事" and video.status == Video.Status.READY
    assert (report["width"], report["height"]) == (160, 120)
    assert report["duration"] == pytest.approx(2.0, abs=0.2)
    assert report["renditions"] == [
        {"name": r.profile, "width": r.width, "height": r.height,
         "bandwidth": r.bandwidth}
        for r in video.renditions.all()
    ]  # fmt: skip
    assert report["renditions"]
    for key in ("hls_master_path", "mp4_path", "poster_path"):
        path = Path(report[key])
        assert path.is_file() and path.is_relative_to(settings.MEDIA_ROOT), key
    assert Path(report["hls_master_path"]).read_text().startswith("#EXTM3U")


def test_refused_file_exits_1_with_the_reason(broken_clip):
    done = import_video(str(broken_clip), "--inline", "--json")

    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["status"] == "refused" and report["id"] is None
    assert report["error"].strip()
    assert not Video.objects.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["/nonexistent/video.mp4"],
        ["{clip}", "--inline", "--wait"],
        ["{clip}", "--collection", "没有这个合集"],
        [],
    ],
    ids=["missing-file", "inline-and-wait", "unknown-collection", "no-path"],
)
def test_usage_errors_exit_2(args, tiny_clip):
    done = import_video(*[a.format(clip=tiny_clip) for a in args])
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert not Video.objects.exists()
