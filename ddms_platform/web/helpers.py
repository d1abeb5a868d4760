"""Small helpers the page views share: calling a service and reporting its domain errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpRequest

from ddms_platform.core.errors import DomainError

T = TypeVar("T")


def call_service(
    request: HttpRequest, service: Callable[..., T], success: str, **kwargs: Any
) -> tuple[bool, T | None]:
    """Run a service; a domain error becomes an error message instead of a 500.

    The service decides whether the action is allowed; the page only reports the answer.
    """
    try:
        result = service(**kwargs)
    except DomainError as exc:
        messages.error(request, exc.message)
        return False, None
    messages.success(request, success)
    return True, result
