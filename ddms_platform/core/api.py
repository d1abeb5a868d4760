"""API conventions shared by every endpoint: pagination and one error shape."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.filters import SearchFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError, RateLimited


class StandardPagination(PageNumberPagination):
    """Page-number pagination with a client-chosen page size up to 500."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def error_body(status_code: int, code: str, message: str, **extra: Any) -> dict[str, Any]:
    """The one error shape: {"error": {"status", "code", "message", ...}}."""
    return {"error": {"status": status_code, "code": code, "message": message, **extra}}


def _field_errors(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _field_errors(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_field_errors(value) for value in detail]
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render domain, Django and DRF errors in the one error shape."""
    if isinstance(exc, DomainError):
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        return Response(
            error_body(exc.status_code, exc.code, exc.message, **exc.extra),
            status=exc.status_code,
            headers=headers,
        )
    if isinstance(exc, DjangoValidationError):
        fields = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(fields)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _field_errors(exc.detail)
        if isinstance(fields, list):
            fields = {"non_field_errors": fields}
        response.data = error_body(
            response.status_code, "invalid", "The request has invalid fields.", fields=fields
        )
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        message = str(detail) if not isinstance(detail, dict | list) else "Request failed."
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        response.data = error_body(response.status_code, str(code), message)
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        response.data["error"]["retry_after"] = response.get("Retry-After")
    return response


class BoundedSearchFilter(SearchFilter):
    """`?search=` with at most DDMS_SEARCH_MAX_TERMS words and DDMS_SEARCH_MAX_LENGTH
    characters: each word is a LIKE over several columns, so thousands of them cost seconds of
    database time per request."""

    def get_search_terms(self, request: Any) -> list[str]:
        raw = request.query_params.get(self.search_param, "")
        max_length = settings.DDMS_SEARCH_MAX_LENGTH
        if len(raw) > max_length:
            raise DomainError(
                f"search is limited to {max_length} characters.",
                code="search_too_long",
                limit=max_length,
            )
        terms = list(super().get_search_terms(request))
        max_terms = settings.DDMS_SEARCH_MAX_TERMS
        if len(terms) > max_terms:
            raise DomainError(
                f"search takes at most {max_terms} terms; {len(terms)} were given.",
                code="too_many_search_terms",
                limit=max_terms,
            )
        return terms


class ApiRouter(DefaultRouter):
    """The router of every app: no `.json` suffix routes (they duplicate the plain ones and
    break custom actions that take no `format` argument), and numeric ids.

    A detail route matches only digits unless the viewset declares `lookup_value_regex`, so a
    malformed id (`abc`, `1e3`, `null,null`) is a 404 before any view code turns it into an
    integer.
    """

    include_format_suffixes = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._default_value_pattern = "[0-9]+"


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: under /api/ a URL that matches no route (a malformed id) answers in the one
    error shape; pages keep Django's 404 page (its `404.html` template)."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(404, "not_found", "Not found."), status=404)
    return defaults.page_not_found(request, exception)  # type: ignore[arg-type]
