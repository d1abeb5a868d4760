"""Small helpers the page views share: calling a service and reporting its domain errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse

from ddms_platform.core.errors import DomainError, RateLimited

T = TypeVar("T")


def call_service(
    http_request: HttpRequest,
    service: Callable[..., T],
    success: str,
    /,
    form: forms.Form | None = None,
    **kwargs: Any,
) -> tuple[bool, T | None]:
    """Run a service; a domain or validation error becomes a message or a field error.

    The first three arguments are positional-only because services take `request=` (a data
    request) as a keyword. The service decides whether the action is allowed; the page only reports its answer, so a
    rule is never checked twice in two different ways.
    """
    try:
        result = service(**kwargs)
    except RateLimited:
        raise  # the 429 page (RateLimitMiddleware), not a message on the next page
    except DomainError as exc:
        fields = exc.extra.get("fields") or {}
        if form is not None and fields:
            for field, errors in fields.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.error(http_request, exc.message)
        return False, None
    except ValidationError as exc:
        details = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
        for field, errors in details.items():
            if form is not None:
                form.add_error(field if field in form.fields else None, errors)
            else:
                messages.error(http_request, " ".join(str(e) for e in errors))
        return False, None
    messages.success(http_request, success)
    return True, result


def only_for(check: Callable[[Any], bool]) -> Callable[..., Callable[..., HttpResponse]]:
    """A page for signed-in users passing `check`; everyone else gets 404, so the page's
    existence is nobody else's business (anonymous visitors are sent to sign in)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
