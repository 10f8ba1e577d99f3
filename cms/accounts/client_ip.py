"""The client address that login throttling counts failures against."""

from django.conf import settings
from django.http import HttpRequest


def client_ip_address(request: HttpRequest) -> str | None:
    """The address the outermost of our trusted proxies received the request from.

    Each proxy appends the address it saw to X-Forwarded-For, so with N trusted
    proxies the client is the Nth entry from the right; anything further left was
    written by the client and cannot be trusted. A request that did not pass
    through all of them (too few entries) is judged by its socket address.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    proxy_count = settings.WEIKETANG_TRUSTED_PROXY_COUNT
    if proxy_count <= 0:
        return remote_addr
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxy_count:
        return remote_addr
    return forwarded[-proxy_count]
