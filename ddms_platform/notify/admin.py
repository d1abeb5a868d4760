from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from ddms_platform.core.errors import DomainError

from .models import DeliveryAttempt, DeliveryBatch, Notification, OutboxEvent, WebhookEndpoint
from .services import notification_retry


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    """Events waiting for, or handed to, the broker."""

    list_display = ("id", "created_at", "kind", "object_type", "object_id", "status", "attempts")
    list_filter = ("status", "kind")
    search_fields = ("kind", "object_id", "last_error")
    readonly_fields = [f.name for f in OutboxEvent._meta.fields]


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("started_at", "duration_ms", "ok", "status_code", "error")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The delivery log: one row per recipient per event, with its attempts."""

    list_display = ("id", "created_at", "event", "channel", "recipient_key", "status", "attempts")
    list_filter = ("status", "channel", "digest", "event__kind")
    search_fields = ("recipient_key", "email", "last_error")
    list_select_related = ("event",)
    readonly_fields = [f.name for f in Notification._meta.fields]
    inlines = [DeliveryAttemptInline]
    actions = ["retry_failed"]

    @admin.action(description="Retry the selected failed notifications")
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        done = 0
        for notification in queryset.filter(
            status__in=[Notification.Status.FAILED, Notification.Status.CANCELLED]
        ):
            try:
                notification_retry(notification=notification, actor=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(request, exc.message, messages.WARNING)
        unknown = queryset.filter(status=Notification.Status.UNKNOWN).count()
        if unknown:
            # They may have arrived: resending needs a confirmation per notification.
            self.message_user(
                request,
                f"{unknown} outcome-unknown notification(s) left alone: retry each through "
                "POST /api/v1/notifications/<id>/retry/ with confirm_unknown_outcome=true.",
                messages.WARNING,
            )
        self.message_user(request, f"{done} notification(s) queued again.", messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(DeliveryBatch)
class DeliveryBatchAdmin(admin.ModelAdmin):
    """Delivery jobs: which worker holds each, attempts and the last error."""

    list_display = ("id", "event", "channel", "status", "attempts", "worker", "heartbeat_at")
    list_filter = ("status", "channel")
    readonly_fields = [f.name for f in DeliveryBatch._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Webhook targets; the secret is never shown in lists."""

    list_display = ("id", "url", "is_active", "disabled_reason", "created_at")
    list_filter = ("is_active",)
    search_fields = ("url",)
    readonly_fields = ("created_at",)
