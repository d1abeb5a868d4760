"""The page cache punches holes for per-visitor values: each visitor gets their own CSP nonce."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from csp.constants import NONCE, SELF
from csp.middleware import CSPMiddleware
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse

from ddms_platform.core.httpcache import cached_page

SCRIPT = re.compile(r'<script nonce="([^"]+)">')
calls: list[int] = []


@cached_page()
def page_with_script(request: HttpRequest) -> HttpResponse:
    calls.append(1)
    return HttpResponse(f'<script nonce="{request.csp_nonce}">run()</script>'.encode())  # type: ignore[attr-defined]


def serve(rf) -> HttpResponse:
    request = rf.get("/nonce-page/")
    request.user = AnonymousUser()
    request.LANGUAGE_CODE = "en"
    return CSPMiddleware(page_with_script)(request)


def test_a_cached_page_gets_a_fresh_nonce_that_its_header_allows(rf, settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}
    calls.clear()
    first, second = serve(rf), serve(rf)
    assert len(calls) == 1  # the second came from the cache
    nonces = [SCRIPT.search(r.content.decode()).group(1) for r in (first, second)]  # type: ignore[union-attr]
    assert nonces[0] != nonces[1]
    for response, nonce in zip((first, second), nonces, strict=True):
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


def settings_caches(cache_url: str) -> subprocess.CompletedProcess[str]:
    code = "from ddms_platform import settings; print(settings.CACHES['default']['BACKEND'])"
    env = {**os.environ, "DDMS_CACHE_URL": cache_url}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_ddms_cache_url_picks_the_backend():
    assert settings_caches("").stdout.strip().endswith("LocMemCache")
    assert settings_caches("redis://127.0.0.1:6379/1").stdout.strip().endswith("RedisCache")
    refused = settings_caches("memcached://127.0.0.1")
    assert refused.returncode != 0 and "DDMS_CACHE_URL" in refused.stderr
