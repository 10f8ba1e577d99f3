"""Protected playback: signed URLs for a lesson's video, and their checking.

Nothing a video produces is public. A lesson page (already served to a viewer who
may see it) asks `video_sources` for the URLs of its video; each carries a token
signed with SECRET_KEY that names the video's output prefix, the page (or the
preview) and a hash of the viewer's session key, and expires after
MEDIA_PLAY_TOKEN_SECONDS:

    /media/play/<token>/master.m3u8           playlists, MP4 fallback, poster
    /media/play/<token>/270p/seg_00001.m4s    segments (relative in the playlists)
    /media/play/<token>/cc/zh-hans-….vtt      captions

`play_check` decides a request without touching the session: the token's
signature and age, the session cookie's hash, and for playlists, the fallback, the
poster and captions one indexed query (is the page still live?); segments cost no
query. Anything else is the same 404 as a missing file.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from media.models import OUTPUTS_ROOT, Video

SALT = "media.play"
PREVIEW = "p"
CAPTIONS_DIR = "cc"


@dataclass(frozen=True)
class CaptionSource:
    language: str
    label: str
    url: str


@dataclass(frozen=True)
class VideoSources:
    """What a lesson page's player needs; every URL works for this viewer only."""

    hls: str  # the master playlist
    mp4: str | None  # faststart MP4 (or M4A) fallback of one rung
    poster: str | None
    captions: list[CaptionSource] = field(default_factory=list)
    width: int | None = None
    height: int | None = None
    duration: float = 0.0


@dataclass(frozen=True)
class PlayGrant:
    video_id: int
    prefix: str  # the output prefix the token opens, e.g. "videos/3/<claim token>"
    page_id: int | None  # None: a staff preview


def _session_tag(session_key: str) -> str:
    return salted_hmac(SALT, session_key).hexdigest()[:16]


def play_token(*, video: Video, session_key: str, page_id: int | None) -> str:
    # The prefix below OUTPUTS_ROOT ("<video id>/<claim token>"): the token opens
    # that one set of outputs, also after a re-upload switched the row away.
    tail = posixpath.relpath(video.output_prefix, OUTPUTS_ROOT).replace("/", "~")
    page = PREVIEW if page_id is None else str(page_id)
    value = f"{video.pk}.{tail}.{page}.{_session_tag(session_key)}"
    return signing.TimestampSigner(salt=SALT).sign(value)


def play_url(token: str, path: str) -> str:
    return reverse("media_play", kwargs={"token": token, "path": path})


def _playable(video: Video) -> bool:
    """Ready, with an output prefix a token can name ("." and "~" are the
    token's separators)."""
    prefix = video.output_prefix
    return bool(
        video.is_ready
        and prefix
        and prefix.startswith(OUTPUTS_ROOT + "/")
        and "." not in prefix
        and "~" not in prefix
    )


def video_sources(
    *, video: Video, session_key: str, page_id: int | None
) -> VideoSources | None:
    """Signed URLs of a ready video for one viewer's session.

    page_id is the live lesson that shows the video, None for a staff preview;
    the caller has already decided the viewer may see that page or preview.
    """
    if not (session_key and _playable(video)):
        return None
    token = play_token(video=video, session_key=session_key, page_id=page_id)
    prefix = video.output_prefix + "/"

    def url(name: str) -> str | None:
        if not name or not name.startswith(prefix):
            return None
        return play_url(token, name[len(prefix) :])

    captions = [
        CaptionSource(
            language=caption.language,
            label=caption.display_label,
            url=play_url(
                token, f"{CAPTIONS_DIR}/{posixpath.basename(caption.file.name)}"
            ),
        )
        for caption in video.captions.all()
        if caption.file
    ]
    return VideoSources(
        hls=url(video.hls_master_name),
        mp4=url(video.mp4_name),
        poster=url(video.poster_name),
        captions=captions,
        width=video.width,
        height=video.height,
        duration=video.duration or 0.0,
    )


def poster_url_for_request(*, video: Video, request, page) -> str | None:
    """The signed poster of a ready video shown by a live page (a lesson card).

    No caption query, unlike video_sources: a feed signs a poster per card.
    """
    user = getattr(request, "user", None)
    session_key = getattr(getattr(request, "session", None), "session_key", "")
    if not (user is not None and user.is_authenticated and session_key):
        return None
    if page is None or not page.live or not _playable(video):
        return None
    prefix = video.output_prefix + "/"
    if not video.poster_name.startswith(prefix):
        return None
    token = play_token(video=video, session_key=session_key, page_id=page.pk)
    return play_url(token, video.poster_name[len(prefix) :])


def video_sources_for_request(
    *, video: Video, request, page=None
) -> VideoSources | None:
    """video_sources for the page being served (or previewed) to request.user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    session_key = request.session.session_key or ""
    if getattr(request, "is_preview", False):
        if not user.has_perm("wagtailadmin.access_admin"):
            return None
        return video_sources(video=video, session_key=session_key, page_id=None)
    if page is None or not page.live:
        return None
    return video_sources(video=video, session_key=session_key, page_id=page.pk)


def is_segment(path: str) -> bool:
    """A rung's init or media segment: reached only through a checked playlist."""
    return (
        "/" in path
        and not path.endswith(".m3u8")
        and not path.startswith(CAPTIONS_DIR + "/")
    )


def storage_name(grant: PlayGrant, path: str) -> str | None:
    """The storage name a request path stands for, or None if it leaves the grant."""
    parts = path.split("/")
    if not path or any(p in ("", ".", "..") for p in parts) or "\\" in path:
        return None
    if parts[0] == CAPTIONS_DIR:
        if len(parts) != 2 or not parts[1].endswith(".vtt"):
            return None
        return posixpath.join("captions", str(grant.video_id), parts[1])
    return posixpath.join(grant.prefix, path)


def play_check(*, token: str, path: str, session_key: str) -> PlayGrant | None:
    """The grant a request may use, or None (answer 404).

    Costs one indexed query for playlists, fallback, poster and captions (the
    lesson must still be live), none for segments.
    """
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(
            token, max_age=settings.MEDIA_PLAY_TOKEN_SECONDS
        )
        video_id, tail, page, tag = value.split(".")
        grant = PlayGrant(
            video_id=int(video_id),
            prefix=posixpath.join(OUTPUTS_ROOT, tail.replace("~", "/")),
            page_id=None if page == PREVIEW else int(page),
        )
    except (signing.BadSignature, ValueError):
        return None
    if ".." in grant.prefix.split("/"):
        return None
    if not session_key or not constant_time_compare(tag, _session_tag(session_key)):
        return None
    if storage_name(grant, path) is None:
        return None
    if grant.page_id is not None and not is_segment(path):
        from wagtail.models import Page

        if not Page.objects.filter(pk=grant.page_id, live=True).exists():
            return None
    return grant
