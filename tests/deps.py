"""Real dependencies, checked loudly: a missing one fails the test, never skips it."""

import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling Google's hosts,
# which this closed network refuses many at a time.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
# The learner's phone for every browser test and bench: a 390x844 handset at 2x,
# touch, Chinese locale. Pass overrides (base_url, java_script_enabled) as keywords.
PHONE_CONTEXT = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}


def new_phone_context(browser, **overrides):
    """A Playwright browser context that is the learner's phone (PHONE_CONTEXT)."""
    return browser.new_context(**{**PHONE_CONTEXT, **overrides})


INSTALL_HINT = (
    "run `make install` (as root it installs Debian's ffmpeg, chromium, strace)"
)


def require_binary(name: str) -> str:
    path = shutil.which(name)
    if not path:
        pytest.fail(f"{name} is not installed: {INSTALL_HINT}", pytrace=False)
    return path


def require_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(
            f"Redis at {url} is not reachable ({exc}); start it (see .ci/run)",
            pytrace=False,
        )
