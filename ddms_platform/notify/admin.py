from django.contrib import admin

from .models import OutboxEvent


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    """Events waiting for, or handed to, the broker."""

    list_display = ("id", "created_at", "kind", "object_type", "object_id", "status", "attempts")
    list_filter = ("status", "kind")
    search_fields = ("kind", "object_id", "last_error")
    readonly_fields = [f.name for f in OutboxEvent._meta.fields]
