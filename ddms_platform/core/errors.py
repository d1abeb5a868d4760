"""Domain errors raised by services; the API turns each into one error shape."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class DomainError(Exception):
    """A rule of the domain was broken; the message says which and where."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra


class IllegalTransition(DomainError):
    """A state change that the lifecycle does not allow from the current state."""

    code = "illegal_transition"

    def __init__(self, *, kind: str, current: str, target: str, allowed: Iterable[str]) -> None:
        allowed_list = sorted(allowed)
        allowed_text = ", ".join(allowed_list) if allowed_list else "none"
        super().__init__(
            f"A {kind} cannot go from '{current}' to '{target}'. Allowed from '{current}': "
            f"{allowed_text}.",
            current=current,
            target=target,
            allowed=allowed_list,
        )


class NotPermitted(DomainError):
    """The actor may see the object but not do this to it."""

    status_code = 403
    code = "permission_denied"


class RateLimited(DomainError):
    """A limit was reached; `retry_after` says in how many seconds the next try can succeed."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, **extra: Any) -> None:
        super().__init__(message, retry_after=retry_after, **extra)
        self.retry_after = retry_after
