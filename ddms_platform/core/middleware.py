"""Request id: taken from X-Request-ID or generated, kept for the audit trail and logs."""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("ddms_request_id", default="")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str:
    """Return the id of the request being served, or '' outside a request."""
    return _request_id.get()


class RequestIdMiddleware:
    """Tag every request with an id, echoed in the X-Request-ID response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RejectNulMiddleware:
    """A NUL character in the path or query string answers 400 before any view runs.

    No URL of the platform means one, and PostgreSQL refuses it in any text comparison, so
    left alone it would surface as a 500 from whichever lookup met it first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            message = "The address contains a NUL character."
            if request.path.startswith("/api/"):
                from .api import error_body

                return JsonResponse(error_body(400, "invalid", message), status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)
