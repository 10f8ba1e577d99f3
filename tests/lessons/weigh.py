"""Weigh what a page transfers in chromium: HTML, CSS and JavaScript, raw and gzipped.

The test server sends bodies uncompressed; production compresses them (WhiteNoise
for static files, the front proxy for HTML), so the honest "compressed" figure is
each body gzipped at level 6, the usual server default.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass

WEIGHED_TYPES = ("document", "stylesheet", "script")
GZIP_LEVEL = 6


@dataclass(frozen=True)
class Transfer:
    url: str
    kind: str
    raw_bytes: int
    gzip_bytes: int


class PageWeigher:
    """Records every response a Playwright page receives from the moment it is made."""

    def __init__(self, page) -> None:
        self._responses = []
        page.on("response", self._record)

    def _record(self, response) -> None:
        self._responses.append(response)

    def mark(self) -> int:
        """A position in the record, to weigh only what came before or after it."""
        return len(self._responses)

    def transfers(self, start: int = 0, end: int | None = None) -> list[Transfer]:
        found = []
        for response in self._responses[start:end]:
            kind = response.request.resource_type
            if kind not in WEIGHED_TYPES or not 200 <= response.status < 300:
                continue
            body = response.body()
            found.append(
                Transfer(
                    url=response.url,
                    kind=kind,
                    raw_bytes=len(body),
                    gzip_bytes=len(gzip.compress(body, compresslevel=GZIP_LEVEL)),
                )
            )
        return found

    def responses(self, start: int = 0, end: int | None = None) -> list:
        return self._responses[start:end]

    def urls(self, start: int = 0, end: int | None = None) -> list[str]:
        return [response.url for response in self._responses[start:end]]


def totals(transfers: list[Transfer]) -> dict[str, tuple[int, int]]:
    """(raw, gzip) bytes per kind, plus "total"."""
    out: dict[str, tuple[int, int]] = {}
    for t in transfers:
        raw, gz = out.get(t.kind, (0, 0))
        out[t.kind] = (raw + t.raw_bytes, gz + t.gzip_bytes)
    out["total"] = (
        sum(t.raw_bytes for t in transfers),
        sum(t.gzip_bytes for t in transfers),
    )
    return out


class WireCounter:
    """Bytes chromium received over the network (CDP), headers included.

    Counts each finished request's encodedDataLength, as sent: compressed when
    the server compressed it. Requests still open (a video being read ahead)
    count once they finish.
    """

    def __init__(self, page) -> None:
        self._cdp = page.context.new_cdp_session(page)
        self._cdp.send("Network.enable")
        self._urls: dict[str, str] = {}
        self.finished: list[tuple[str, int]] = []
        self._cdp.on("Network.requestWillBeSent", self._sent)
        self._cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event) -> None:
        self._urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event) -> None:
        url = self._urls.get(event["requestId"], "")
        self.finished.append((url, int(event["encodedDataLength"])))

    def mark(self) -> int:
        return len(self.finished)

    def since(self, start: int = 0) -> list[tuple[str, int]]:
        return self.finished[start:]
