"""Renderers for non-JSON API answers."""

from __future__ import annotations

from typing import Any

from rest_framework.renderers import BaseRenderer


class ICalendarRenderer(BaseRenderer):
    """text/calendar; views return the serialised calendar, errors are rendered as plain text."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return str(data).encode()
