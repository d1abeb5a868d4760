"""Template context every page needs: the user's role for the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .roles import role_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The role drives which sections the header links to."""
    return {"ddms_role": role_of(getattr(request, "user", None))}
