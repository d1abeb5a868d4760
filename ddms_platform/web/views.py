"""Home pages: anonymous visitors get the public home, signed-in users their role's page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ddms_platform.core.httpcache import cached_page

from .roles import HOME_URL_NAMES, PUBLIC, role_of


def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its own home page (NSI overview, city dashboard, partner portal)."""
    role = role_of(request.user)
    if role == PUBLIC:
        return public_home(request)
    return redirect(reverse(HOME_URL_NAMES[role]))


@cached_page()
def public_home(request: HttpRequest) -> HttpResponse:
    """What anyone may read: published indicators, the release calendar, the knowledge base."""
    return render(request, "web/public_home.html")
