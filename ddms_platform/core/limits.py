"""Abuse limits: fixed-window counters in Django's cache, and the 429 answer every limit gives.

Counters live in the default cache (local memory by default, so per process; Redis when
DDMS_CACHE_URL is set, shared by every web process). Failed logins are counted by
django-axes instead (see settings), which calls `lockout_response` below.
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..env import RATE_PERIODS
from .errors import RateLimited


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for sign-ins that come with an HTTP request.

    `authenticate()` without a request (the test client's `login`, a shell) has no caller
    address to count, so it is not refused for want of one.
    """

    def authenticate(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def parse_rate(rate: str) -> tuple[int, int]:
    """(count, seconds) of a rate such as '10/hour' (checked when settings load)."""
    count, _sep, period = rate.partition("/")
    return int(count), RATE_PERIODS[period]


def wait_text(seconds: int) -> str:
    """'Try again in N minutes.' rounded up, in the user's language."""
    if seconds < 120:
        return ngettext("Try again in %(n)d second.", "Try again in %(n)d seconds.", seconds) % {
            "n": seconds
        }
    minutes = math.ceil(seconds / 60)
    return ngettext("Try again in %(n)d minute.", "Try again in %(n)d minutes.", minutes) % {
        "n": minutes
    }


def limit_hit(scope: str, ident: str, rate: str | None, *, message: str) -> None:
    """Count one attempt of `ident` in `scope`; raise RateLimited past `rate` in this window.

    The key holds the window's number, so it expires by itself and `incr` stays atomic on
    Redis. The identity is hashed: e-mail addresses do not sit in the cache in clear.
    """
    if rate is None or not ident:
        return
    limit, window = parse_rate(rate)
    now = time.time()
    digest = hashlib.sha256(ident.strip().lower().encode()).hexdigest()[:32]
    key = f"ddms:limit:{scope}:{digest}:{int(now // window)}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        retry_after = max(1, math.ceil(window - now % window))
        raise RateLimited(f"{message} {wait_text(retry_after)}", retry_after=retry_after)


def client_ip(request: HttpRequest) -> str:
    """The caller's address as django-axes sees it (the same proxy settings apply)."""
    return str(get_client_ip_address(request) or "")


def too_many_response(request: HttpRequest, message: str, retry_after: int) -> HttpResponse:
    """The 429 of every limit: the one error shape under /api/, a page in the site's layout
    elsewhere, each with Retry-After."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        from .api import error_body

        response = JsonResponse(
            error_body(429, "rate_limited", message, retry_after=retry_after), status=429
        )
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE: a locked-out sign-in answers 429 with the cool-off."""
    retry_after = int(settings.AXES_COOLOFF_TIME.total_seconds())
    message = _("Too many failed sign-in attempts.") + " " + wait_text(retry_after)
    return too_many_response(request, message, retry_after)


class RateLimitMiddleware:
    """A RateLimited raised by a page view (a service refusing) becomes the 429 page."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RateLimited):
            return too_many_response(request, exception.message, exception.retry_after)
        return None
