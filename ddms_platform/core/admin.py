"""Back-office for the audit trail, and a mixin that shows an object's history on its page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from .audit import audit_history
from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ("created_at", "action", "object_repr", "actor", "request_id")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "action", "actor__username", "request_id", "object_id")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "content_type")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class AuditTrailMixin:
    """Adds a read-only 'audit trail' field listing the object's audit entries."""

    @admin.display(description="Audit trail")
    def audit_trail(self, obj: Any) -> str:
        if obj is None or obj.pk is None:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td></tr>",
            (
                (
                    e.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                    e.action,
                    e.actor or "system",
                    e.before,
                    e.after,
                )
                for e in audit_history(obj)[:200]
            ),
        )
        return format_html(
            "<table><tr><th>When</th><th>Action</th><th>Who</th><th>Before</th><th>After</th></tr>{}</table>",
            rows,
        )
