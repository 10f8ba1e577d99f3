"""Answering for stored files once a request has been authorised.

File-system storage: the file itself (with byte ranges), or with
MEDIA_ACCEL_REDIRECT_LOCATION an X-Accel-Redirect to nginx's internal location.
Object storage (django-storages S3): a redirect to a short presigned URL, and
playlists read through and rewritten so that each segment URI is presigned (HLS
then plays from a private bucket).
"""

from __future__ import annotations

import mimetypes
import posixpath
import re

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.http import (
    FileResponse,
    HttpResponse,
    HttpResponseNotFound,
    HttpResponseRedirect,
)

CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
    ".m4a": "audio/mp4",
    ".vtt": "text/vtt; charset=utf-8",
    ".jpg": "image/jpeg",
    ".ts": "video/mp2t",
}
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_URI_ATTR = re.compile(r'URI="([^"]+)"')
NOT_FOUND_BODY = b"Not Found"


def not_found() -> HttpResponse:
    """The one answer for missing files and files the viewer may not have."""
    response = HttpResponseNotFound(NOT_FOUND_BODY, content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


def content_type(name: str) -> str:
    ext = posixpath.splitext(name)[1].lower()
    return (
        CONTENT_TYPES.get(ext)
        or mimetypes.guess_type(name)[0]
        or ("application/octet-stream")
    )


def is_local(storage: Storage) -> bool:
    try:
        storage.path("")
    except NotImplementedError:
        return False
    return True


def serve_stored(
    request,
    name: str,
    *,
    storage: Storage | None = None,
    cache: str = "private, max-age=3600",
    download_name: str | None = None,
) -> HttpResponse:
    """The stored file `name` (already authorised), or the 404 if it is missing."""
    storage = storage or default_storage
    if not is_local(storage):
        if not storage.exists(name):
            return not_found()
        response = HttpResponseRedirect(_presigned(storage, name))
        response["Cache-Control"] = "no-store"
        return response
    path = storage.path(name)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return not_found()
    accel = getattr(settings, "MEDIA_ACCEL_REDIRECT_LOCATION", "")
    if accel:
        fh.close()
        response = HttpResponse(content_type=content_type(name))
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + name
    else:
        response = _file_response(request, fh, content_type(name))
    response["Cache-Control"] = cache
    if download_name:
        response["Content-Disposition"] = f'attachment; filename="{download_name}"'
    return response


def _file_response(request, fh, ctype: str) -> HttpResponse:
    size = fh.seek(0, 2)
    fh.seek(0)
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if match and (match[1] or match[2]):
        if match[1]:
            start = int(match[1])
            end = min(int(match[2]), size - 1) if match[2] else size - 1
        else:  # the last N bytes
            start, end = max(0, size - int(match[2])), size - 1
        if start > end or start >= size:
            fh.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        fh.seek(start)
        data = fh.read(end - start + 1)
        fh.close()
        response = HttpResponse(data, status=206, content_type=ctype)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    else:
        response = FileResponse(fh, content_type=ctype)
        response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    return response


def _presigned(storage: Storage, name: str) -> str:
    expire = settings.MEDIA_PRESIGNED_URL_SECONDS
    try:
        return storage.url(name, expire=expire)
    except TypeError:  # a storage without per-call expiry
        return storage.url(name)


def serve_playlist(
    request, name: str, *, storage: Storage | None = None
) -> HttpResponse:
    """A playlist; from object storage with its segment URIs presigned."""
    storage = storage or default_storage
    if is_local(storage):
        return serve_stored(request, name, storage=storage, cache="no-store")
    try:
        with storage.open(name, "rb") as fh:
            text = fh.read().decode()
    except (FileNotFoundError, OSError):
        return not_found()
    except Exception as exc:  # botocore's ClientError for a missing key
        if "NoSuchKey" in str(exc) or "404" in str(exc):
            return not_found()
        raise
    base = posixpath.dirname(name)
    body = rewrite_playlist(
        text, lambda uri: _presigned(storage, posixpath.join(base, uri))
    )
    response = HttpResponse(body, content_type=CONTENT_TYPES[".m3u8"])
    response["Cache-Control"] = "no-store"
    return response


def rewrite_playlist(text: str, sign) -> str:
    """Replace each media segment's and init segment's URI by sign(uri).

    Variant playlists (`.m3u8` lines of a master) stay relative: they come back
    through the authorising view.
    """

    def one(uri: str) -> str:
        if "://" in uri or uri.startswith("/") or uri.endswith(".m3u8"):
            return uri
        return sign(uri)

    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            line = _URI_ATTR.sub(lambda m: f'URI="{one(m[1])}"', line)
        elif line.strip():
            line = one(line.strip())
        lines.append(line)
    return "\n".join(lines) + "\n"
