"""Login throttling by client address, beside django-axes' username+address lock.

django-axes locks one username on one address after AXES_FAILURE_LIMIT failures.
An address that tries one password over many usernames never trips that, so every
failed sign-in also counts against its address, in the cache, over a window:

- the first LOGIN_ADDRESS_SLOW_AFTER failures (10) are free: an office behind one
  NAT mistyping a handful of passwords notices nothing;
- after that, the address gets one attempt per LOGIN_ADDRESS_SLOW_SECONDS (10 s):
  colleagues can still sign in, a password spray slows to a crawl;
- at LOGIN_ADDRESS_LOCK_AFTER failures (50) the address is locked until the window
  (LOGIN_ADDRESS_WINDOW_SECONDS, 15 min from its first failure) ends.

A success does not reset the count (one valid account must not unlock a spray).
Refusals are 429 with Retry-After, before any password is checked.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse

from cms.accounts.client_ip import client_ip_address


@dataclass(frozen=True)
class AddressVerdict:
    allowed: bool
    locked: bool = False
    retry_after: int = 0


def _keys(address: str) -> tuple[str, str]:
    return f"login-address-failures:{address}", f"login-address-last:{address}"


def address_login_check(*, address: str | None, now: float | None = None):
    """May this address try a password now?"""
    if not address:
        return AddressVerdict(allowed=True)
    now = time.time() if now is None else now
    count_key, last_key = _keys(address)
    failures = cache.get(count_key, 0)
    window = settings.LOGIN_ADDRESS_WINDOW_SECONDS
    if failures >= settings.LOGIN_ADDRESS_LOCK_AFTER:
        first = cache.get(f"{count_key}:since", now)
        return AddressVerdict(
            allowed=False, locked=True, retry_after=max(1, int(first + window - now))
        )
    if failures >= settings.LOGIN_ADDRESS_SLOW_AFTER:
        wait = settings.LOGIN_ADDRESS_SLOW_SECONDS - (now - cache.get(last_key, 0))
        if wait > 0:
            return AddressVerdict(allowed=False, retry_after=max(1, int(wait + 0.999)))
    return AddressVerdict(allowed=True)


def address_login_failed(*, address: str | None, now: float | None = None) -> int:
    """Count one failed sign-in from address; returns its failures in the window."""
    if not address:
        return 0
    now = time.time() if now is None else now
    count_key, last_key = _keys(address)
    window = settings.LOGIN_ADDRESS_WINDOW_SECONDS
    if cache.add(count_key, 0, timeout=window):
        cache.set(f"{count_key}:since", now, timeout=window)
    try:
        failures = cache.incr(count_key)
    except ValueError:  # expired between add and incr
        cache.set(count_key, 1, timeout=window)
        failures = 1
    cache.set(last_key, now, timeout=window)
    return failures


@receiver(user_login_failed, dispatch_uid="cms_address_login_failed")
def _count_failure(sender, credentials, request=None, **kwargs):
    if request is not None:
        address_login_failed(address=client_ip_address(request))


def _login_paths() -> tuple[str, ...]:
    return (reverse("accounts:login"), reverse("wagtailadmin_login"))


class AddressThrottleMiddleware:
    """Refuses a sign-in POST from an address that is slowed or locked (429)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.method == "POST" and request.path_info in _login_paths():
            verdict = address_login_check(address=client_ip_address(request))
            if not verdict.allowed:
                response = render(
                    request,
                    "accounts/address_throttled.html",
                    {"verdict": verdict},
                    status=429,
                )
                response["Retry-After"] = str(verdict.retry_after)
                return response
        return self.get_response(request)
