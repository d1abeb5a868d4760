"""The delivery log API under /api/v1/notifications/ (NSI staff only)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from ddms_platform.core.api import ApiRouter
from ddms_platform.core.permissions import IsNSIStaff, country_member_user_ids
from ddms_platform.core.scoping import ScopedFilterSet

from .models import DeliveryAttempt, Notification
from .services import notification_retry


def notifications_visible(user: Any) -> QuerySet[Notification]:
    """The delivery log an NSI's staff read: notifications to accounts of their own country's
    organisations (e-mail-only subscribers' and everything else: admins only)."""
    qs = Notification.objects.all()
    users = country_member_user_ids(user)
    return qs if users is None else qs.filter(user_id__in=users)


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["id", "started_at", "duration_ms", "ok", "status_code", "error"]


class NotificationSerializer(serializers.ModelSerializer):
    event_kind = serializers.CharField(source="event.kind", read_only=True)
    # Blank for webhook deliveries, so not declared `format: email` ("" is not an address).
    email = serializers.CharField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "event",
            "event_kind",
            "channel",
            "recipient_key",
            "email",
            "webhook",
            "digest",
            "status",
            "attempts",
            "last_error",
            "next_attempt_at",
            "sent_at",
            "created_at",
        ]
        read_only_fields = fields


class NotificationDetailSerializer(NotificationSerializer):
    delivery_attempts = DeliveryAttemptSerializer(many=True, read_only=True)

    class Meta(NotificationSerializer.Meta):
        fields = [*NotificationSerializer.Meta.fields, "delivery_attempts"]
        read_only_fields = fields


class RetrySerializer(serializers.Serializer):
    # An outcome-unknown e-mail may already have arrived: resending needs this set to true.
    confirm_unknown_outcome = serializers.BooleanField(default=False)


class NotificationFilter(ScopedFilterSet):
    kind = django_filters.CharFilter(field_name="event__kind")

    class Meta:
        model = Notification
        fields = ["status", "channel", "digest", "event", "kind"]


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Delivery log: every notification with its status, attempts and last error."""

    permission_classes = [IsNSIStaff]
    filterset_class = NotificationFilter
    ordering_fields = ["id", "created_at", "status"]
    search_fields = ["recipient_key", "email"]

    def get_queryset(self) -> QuerySet[Notification]:
        qs = notifications_visible(self.request.user).select_related("event")
        if self.action == "retrieve":
            qs = qs.prefetch_related("delivery_attempts")
        return qs.order_by("-id")

    def get_serializer_class(self) -> Any:
        if self.action in ("retrieve", "retry"):
            return NotificationDetailSerializer
        return NotificationSerializer

    @extend_schema(request=RetrySerializer, responses=NotificationDetailSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        """Queue a failed, cancelled or (confirmed) outcome-unknown notification again."""
        body = RetrySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        notification = notification_retry(
            notification=self.get_object(),
            actor=request.user,
            confirm_unknown_outcome=body.validated_data["confirm_unknown_outcome"],
        )
        return Response(NotificationDetailSerializer(notification).data)


router = ApiRouter()
router.register("notifications", NotificationViewSet, basename="notification")
urlpatterns = router.urls
