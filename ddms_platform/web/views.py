"""Home pages: anonymous visitors get the public home, signed-in users their role's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ddms_platform.core.httpcache import cached_page
from ddms_platform.core.tokens import api_token_create, api_token_of, api_token_revoke

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


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and feed readers ask for /favicon.ico whatever the page links: send the SVG."""
    response = HttpResponseRedirect(static("ddms/favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The user's account: who they are and their API token."""
    return render(request, "web/account.html", {"token": api_token_of(request.user)})


@login_required
@require_POST
def account_token_create(request: HttpRequest) -> HttpResponse:
    """Make a new API token and show its key on this response only."""
    token = api_token_create(actor=request.user)
    return render(request, "web/account.html", {"token": token, "new_key": token.key})


@login_required
@require_POST
def account_token_revoke(request: HttpRequest) -> HttpResponse:
    """Revoke the API token: requests carrying it answer 401 from now on."""
    if api_token_revoke(actor=request.user):
        messages.success(request, _("Your API token was revoked."))
    return redirect(reverse("web:account"))
