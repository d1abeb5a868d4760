"""Health endpoint: is the database reachable, is the broker reachable."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .broker import broker_ok


def database_ok() -> tuple[bool, str]:
    """Run SELECT 1 on the default database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return False, f"{type(exc).__name__}: {exc}"
    return True, "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when database and broker answer, 503 otherwise, with a word on each.

    The broker check is bounded (under 1 s) even when the broker is frozen.
    """
    db, db_detail = database_ok()
    broker, broker_detail = broker_ok()
    body: dict[str, Any] = {
        "status": "ok" if db and broker else "degraded",
        "database": {"ok": db, "detail": db_detail},
        "broker": {"ok": broker, "detail": broker_detail},
    }
    return JsonResponse(body, status=200 if db and broker else 503)
