"""Web pages for subscriptions: confirm (double opt-in), one-click unsubscribe, manage."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ddms_platform.core.errors import DomainError

from .models import Subscription
from .services.subscriptions import subscription_confirm, subscription_unsubscribe


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links); POST confirms."""
    if request.method == "GET":
        return render(request, "indicators/subscription_confirm.html", {"token": token})
    try:
        subscription_confirm(token=token)
    except DomainError as exc:
        return render(
            request, "indicators/subscription_message.html", {"error": exc.message}, status=400
        )
    return render(request, "indicators/subscription_message.html", {"confirmed": True})


@csrf_exempt  # RFC 8058: mail clients POST without cookies or a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation; POST (one-click, no login) unsubscribes."""
    subscription = get_object_or_404(Subscription, token=token)
    if request.method == "GET":
        return render(
            request, "indicators/subscription_unsubscribe.html", {"subscription": subscription}
        )
    subscription_unsubscribe(subscription=subscription)
    return render(request, "indicators/subscription_message.html", {"unsubscribed": True})


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own subscriptions, each with a stop button."""
    own = Subscription.objects.filter(user_id=request.user.pk)  # type: ignore[misc]  # login_required: pk is set
    if request.method == "POST":
        subscription = get_object_or_404(own, pk=request.POST.get("subscription"))
        subscription_unsubscribe(subscription=subscription, actor=request.user)
    rows = own.prefetch_related("indicators").select_related("territory", "pilot")
    return render(request, "indicators/subscriptions.html", {"subscriptions": rows})
