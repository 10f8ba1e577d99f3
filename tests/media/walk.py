"""Walking every URL a lesson page's player would fetch, and every stored file."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage

from tests.media.conftest import storage_files

_ATTRS = re.compile(r'(?:data-hls|data-mp4|poster|src)="([^"]+)"')


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def player_urls(page_html: str) -> set[str]:
    """The media URLs a lesson page hands its player (HLS, MP4, poster, captions)."""
    urls = {html.unescape(u).split("#")[0] for u in _ATTRS.findall(page_html)}
    return {u for u in urls if "/play/" in u}


def playlist_uris(base: str, text: str) -> list[str]:
    uris = []
    for line in text.splitlines():
        if line.startswith("#"):
            uris += re.findall(r'URI="([^"]+)"', line)
        elif line.strip():
            uris.append(line.strip())
    return [urljoin(base, uri) for uri in uris]


def walk_player(client, entry: set[str]) -> set[str]:
    """Entry URLs plus every playlist, init segment and segment reached from them."""
    seen, todo = set(), sorted(entry)
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        if urlsplit(url).path.endswith(".m3u8"):
            response = client.get(url)
            assert response.status_code == 200, url
            todo += playlist_uris(url, body(response).decode())
    return seen


def stored_urls(video) -> set[str]:
    """The plain MEDIA_URL address of every file of the video: outputs, captions,
    original (what used to be public)."""
    names = storage_files(f"videos/{video.pk}")
    names += [c.file.name for c in video.captions.all()]
    names.append(video.file.name)
    assert all(default_storage.exists(n) for n in names)
    return {settings.MEDIA_URL + name for name in names}
