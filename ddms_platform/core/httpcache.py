"""Conditional GETs and the cache of public reads, keyed on a version of the public content.

Nothing is ever deleted from the cache: the key of every entry includes a version token that
changes whenever what the public may see changes (a release going public, an edit), so a
stale entry simply stops being asked for and expires.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.utils.http import http_date, parse_http_date_safe, quote_etag

# Holes punched into cached pages: each visitor gets their own CSRF token and CSP nonce. NUL
# cannot occur in rendered text stored in PostgreSQL, so the markers never clash with content.
_CSRF_HOLE = b"\x00ddms-csrf\x00"
_NONCE_HOLE = b"\x00ddms-nonce\x00"
logger = logging.getLogger(__name__)
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')


@dataclass(frozen=True)
class ContentVersion:
    """What a public read depends on: a token that changes with it, and when it last did."""

    token: str
    last_modified: dt.datetime | None = None


STATIC = ContentVersion("static")
_GENERATION_KEY = "ddms:public-generation"


def _safely(call: Callable[..., Any], *args: Any) -> Any:
    # The cache is an optimisation: when it is unreachable, reads are computed and writes
    # succeed; the version memo's one-second bound still applies.
    try:
        return call(*args)
    except Exception:  # noqa: BLE001 - any cache backend error
        logger.warning("cache unavailable: %s", call.__name__, exc_info=True)
        return None


# The generation as this process last read it: polled from the shared cache at most every
# GENERATION_POLL_SECONDS (a cached read then costs one cache round trip, not two), and set at
# once by this process's own writes.
GENERATION_POLL_SECONDS = 0.1
_seen: dict[str, Any] = {"value": None, "read": 0.0}


def content_generation() -> str:
    """A value shared through the cache that changes whenever public content is edited."""
    now = time.monotonic()
    if _seen["value"] is not None and now - _seen["read"] < GENERATION_POLL_SECONDS:
        return str(_seen["value"])
    value = _safely(cache.get, _GENERATION_KEY)
    if value is None:
        # A fresh (or cleared) cache starts a new generation, unlike any memo made before it.
        _safely(cache.add, _GENERATION_KEY, uuid.uuid4().hex, None)
        value = _safely(cache.get, _GENERATION_KEY) or uuid.uuid4().hex
    _seen.update(value=value, read=now)
    return str(value)


def new_generation() -> None:
    """Start a new generation of the public content (after clearing the cache, say)."""
    value = uuid.uuid4().hex
    _seen.update(value=value, read=time.monotonic())
    _safely(cache.set, _GENERATION_KEY, value, None)


def content_changed() -> None:
    """Start a new generation now, and again once the transaction commits.

    Now, for readers in this transaction's process; after commit, because a reader elsewhere
    may have taken the new generation with the old rows in between.
    """
    new_generation()
    transaction.on_commit(new_generation)


@functools.cache
def _build_id() -> str:
    # A deploy with new static files renames them (manifest storage): pages cached before it
    # would link to files that are gone, so the manifest is part of every key.
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    try:
        return hashlib.sha256(manifest.read_bytes()).hexdigest()[:16]
    except OSError:
        return "-"


def etag_for(version: ContentVersion, *parts: str) -> str:
    """A strong ETag for one representation (format, language, query) of one version."""
    seed = "|".join((_build_id(), version.token, *parts))
    return quote_etag(hashlib.sha256(seed.encode()).hexdigest()[:32])


def not_modified(request: HttpRequest, etag: str, last: dt.datetime | None) -> bool:
    """RFC 9110: If-None-Match wins; If-Modified-Since only when there is no If-None-Match."""
    match = request.headers.get("If-None-Match")
    if match is not None:
        return match.strip() == "*" or etag in [t.strip() for t in match.split(",")]
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return bool(last is not None and since is not None and int(last.timestamp()) <= since)


def set_validators(
    response: HttpResponseBase, etag: str, last: dt.datetime | None, *, shared: bool = True
) -> None:
    """ETag, Last-Modified, and revalidation on every use: a release can go public any second.

    `shared=False` for pages, which carry the visitor's CSRF token: browsers may keep them,
    proxies may not.
    """
    response["ETag"] = etag
    if last is not None:
        response["Last-Modified"] = http_date(last.timestamp())
    response["Cache-Control"] = "public, no-cache" if shared else "private, no-cache"


def not_modified_response(etag: str, last: dt.datetime | None, *, shared: bool = True) -> Any:
    """A 304 carrying the same validators as the full answer."""
    response = HttpResponseNotModified()
    set_validators(response, etag, last, shared=shared)
    return response


def _key(kind: str, etag: str) -> str:
    return f"ddms:{kind}:{etag.strip(chr(34))}"


def cached_body(kind: str, etag: str) -> Any:
    """A body stored by `store_body` or `tee_to_cache` under this ETag, or None."""
    return _safely(cache.get, _key(kind, etag))


def store_body(kind: str, etag: str, value: Any) -> None:
    _safely(cache.set, _key(kind, etag), value, settings.DDMS_CACHE_SECONDS)


def tee_to_cache(kind: str, etag: str, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Stream `chunks` on, and keep the whole body in the cache if it stays small."""
    limit = settings.DDMS_CACHE_MAX_BODY_BYTES
    kept: list[bytes] | None = []
    size = 0
    for chunk in chunks:
        if kept is not None:
            size += len(chunk)
            if size <= limit:
                kept.append(bytes(chunk))
            else:
                kept = None
        yield chunk
    if kept is not None:
        store_body(kind, etag, b"".join(kept))


def _is_anonymous_reader(request: HttpRequest) -> bool:
    # Pending messages are rendered into the page once, for this visitor only.
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated) and not len(get_messages(request))


def _punch_holes(request: HttpRequest, body: bytes) -> bytes:
    body = _CSRF_INPUT.sub(rb"\1" + _CSRF_HOLE + rb"\2", body)
    nonce = getattr(request, "_csp_nonce", None)
    if isinstance(nonce, str):
        body = body.replace(nonce.encode(), _NONCE_HOLE)
    return body


def _fill_holes(request: HttpRequest, body: bytes) -> bytes:
    if _CSRF_HOLE in body:
        body = body.replace(_CSRF_HOLE, get_token(request).encode())
    if _NONCE_HOLE in body:
        # Reading the nonce makes django-csp put this fresh one in the header.
        body = body.replace(_NONCE_HOLE, str(request.csp_nonce).encode())  # type: ignore[attr-defined]
    return body


def _page_etag(request: HttpRequest, version: ContentVersion, key: str) -> str:
    # The browser's copy holds a token for its CSRF secret: another secret needs another copy.
    return etag_for(version, key, request.META.get("CSRF_COOKIE", ""))


def cached_page(
    version: Callable[[], ContentVersion] | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve an HTML page to anonymous readers from the cache, with ETag/Last-Modified and 304.

    The key is the page's version, the language and the full path. Signed-in users (whose
    header differs) and visitors with a pending message get the page rendered as before.
    A page is stored only if the version did not change while it was rendered, so a page
    rendered across a release time is never kept under the version from before it.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or not _is_anonymous_reader(request):
                return view(request, *args, **kwargs)
            before = version() if version else STATIC
            key = etag_for(before, "page", request.LANGUAGE_CODE, request.get_full_path())
            etag = _page_etag(request, before, key)
            if not_modified(request, etag, before.last_modified):
                return not_modified_response(etag, before.last_modified, shared=False)  # type: ignore[no-any-return]
            hit = cached_body("page", key)
            if hit is not None:
                body, content_type = hit
                response = HttpResponse(_fill_holes(request, body), content_type=content_type)
            else:
                response = view(request, *args, **kwargs)
                if response.status_code != 200 or response.streaming:
                    return response
                after = version() if version else STATIC
                if after == before:
                    stored = (_punch_holes(request, response.content), response["Content-Type"])
                    store_body("page", key, stored)
            # A first visit got its CSRF cookie just now: the ETag names the new one.
            etag = _page_etag(request, before, key)
            set_validators(response, etag, before.last_modified, shared=False)
            return response

        return wrapper

    return decorator


class CachedPublicReadMixin:
    """For a DRF viewset's list and retrieve: anonymous JSON reads are cached and answer 304.

    `content_version` is what the answers depend on. Signed-in users (whose view may include
    unpublished rows) and the browsable API (which carries a CSRF token) are never cached.
    """

    content_version: Callable[[], ContentVersion]

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return self._cached_read(super().list, request, *args, **kwargs)  # type: ignore[misc]

    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return self._cached_read(super().retrieve, request, *args, **kwargs)  # type: ignore[misc]

    def _cached_read(self, build: Callable[..., Any], request: Any, *args: Any, **kw: Any) -> Any:
        renderer = getattr(request, "accepted_renderer", None)
        if request.user.is_authenticated or getattr(renderer, "format", None) != "json":
            return build(request, *args, **kw)
        version = type(self).content_version()
        etag = etag_for(
            version, "api", request.accepted_media_type, request.get_host(), request.get_full_path()
        )
        if not_modified(request, etag, version.last_modified):
            return not_modified_response(etag, version.last_modified)
        hit = cached_body("api", etag)
        if hit is not None:
            response = HttpResponse(hit[0], content_type=hit[1])
        else:
            response = build(request, *args, **kw)
            if response.status_code != 200:
                return response

            def store(rendered: Any) -> None:
                # Kept only if no release went public while the answer was computed.
                if type(self).content_version() == version:
                    store_body("api", etag, (rendered.content, rendered["Content-Type"]))

            response.add_post_render_callback(store)
        set_validators(response, etag, version.last_modified)
        return response
