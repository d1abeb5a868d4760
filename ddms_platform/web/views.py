"""Home pages: anonymous visitors get the public home, signed-in users their role's page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse

from .roles import HOME_URL_NAMES, PUBLIC, role_of


def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its own home page (NSI overview, city dashboard, partner portal)."""
    role = role_of(request.user)
    if role == PUBLIC:
        return public_home(request)
    return redirect(reverse(HOME_URL_NAMES[role]))


def public_home(request: HttpRequest) -> HttpResponse:
    """What anyone may read: published indicators, the release calendar, the knowledge base."""
    return render(request, "web/public_home.html")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and feed readers ask for /favicon.ico whatever the page links: send the SVG."""
    response = HttpResponseRedirect(static("ddms/favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
