"""Fixtures for the media tests: tiny generated clips, the broker queue, storage."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from tests.deps import require_binary, require_redis
from tests.media.s3 import moto_server, private_bucket  # noqa: F401 - fixtures


def _ffmpeg_clip(path: Path, *, duration: float, size: str, audio: bool) -> Path:
    """A test pattern with a tone; the same kind of file a phone would upload."""
    ffmpeg = require_binary("ffmpeg")
    args = [ffmpeg, "-nostdin", "-v", "error", "-y"]
    args += ["-f", "lavfi", "-i", f"testsrc=size={size}:rate=15:duration={duration}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={duration}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if audio:
        args += ["-c:a", "aac", "-b:a", "64k", "-shortest"]
    subprocess.run([*args, str(path)], check=True, timeout=120)
    return path


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def tiny_clip(clip_dir) -> Path:
    """2 s, 160x120, 15 fps, with sound."""
    return _ffmpeg_clip(clip_dir / "tiny.mp4", duration=2, size="160x120", audio=True)


@pytest.fixture(scope="session")
def other_clip(clip_dir) -> Path:
    """A second, different 2 s clip (for replacing a video's file)."""
    return _ffmpeg_clip(clip_dir / "other.mp4", duration=2, size="320x240", audio=True)


@pytest.fixture(scope="session")
def tiny_audio(clip_dir) -> Path:
    ffmpeg = require_binary("ffmpeg")
    path = clip_dir / "tone.m4a"
    subprocess.run(
        [ffmpeg, "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
         "sine=frequency=330:duration=2", "-c:a", "aac", "-b:a", "64k", str(path)],
        check=True, timeout=60,
    )  # fmt: skip
    return path


@pytest.fixture(scope="session")
def broken_clip(clip_dir) -> Path:
    """Named like a video, but not one (what a trainer's botched export looks like)."""
    path = clip_dir / "broken.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    return path


@pytest.fixture
def transcode_queue():
    """The Redis list behind the "transcode" queue, emptied before the test."""
    import redis

    require_redis(settings.CELERY_BROKER_URL)
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete("transcode")
    yield QueueProbe(client, "transcode")
    client.delete("transcode")


class QueueProbe:
    def __init__(self, client, name: str):
        self.client = client
        self.name = name

    def __len__(self) -> int:
        return int(self.client.llen(self.name))

    def video_ids(self) -> list[int]:
        """The video ids of the transcode messages waiting in the queue."""
        import json

        ids = []
        for raw in self.client.lrange(self.name, 0, -1):
            message = json.loads(raw)
            assert message["headers"]["task"] == "media.tasks.transcode_video"
            import base64

            body = json.loads(base64.b64decode(message["body"]))
            ids.append(body[0][0])
        return ids


def storage_files(prefix: str) -> list[str]:
    """Every file name under prefix in the default storage."""
    try:
        dirs, files = default_storage.listdir(prefix)
    except FileNotFoundError:
        return []
    names = [f"{prefix}/{name}" for name in files]
    for name in dirs:
        names += storage_files(f"{prefix}/{name}")
    return sorted(names)
