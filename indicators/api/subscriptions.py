"""/api/v1/subscriptions/: a signed-in user's own subscriptions (others' answer 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from ddms_platform.core.api import ApiRouter
from ddms_platform.core.scoping import ScopedModelSerializer, VisibleSlug

from ..models import Indicator, Subscription
from ..services.subscriptions import subscription_create, subscription_unsubscribe


class SubscriptionSerializer(ScopedModelSerializer):
    # An indicator the catalogue hides, a pilot the user cannot see: "does not exist".
    indicators = VisibleSlug(Indicator, "code", many=True, required=False)
    webhook_url = serializers.URLField(write_only=True, required=False, allow_blank=True)
    webhook_secret = serializers.SerializerMethodField()

    class Meta:
        model = Subscription
        fields = [
            "id",
            "channel",
            "frequency",
            "indicators",
            "topic",
            "territory",
            "pilot",
            "language",
            "webhook_url",
            "webhook_secret",
            "is_active",
            "confirmed_at",
            "created_at",
        ]
        read_only_fields = ["is_active", "confirmed_at", "created_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_webhook_secret(self, obj: Subscription) -> str | None:
        # Shown once, in the answer to the request that created it.
        return (
            obj.webhook.secret
            if self.context.get("show_secret") and obj.webhook is not None
            else None
        )


class SubscriptionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Follow indicators, a topic, a territory or a pilot; DELETE unsubscribes."""

    queryset = Subscription.objects.none()
    serializer_class = SubscriptionSerializer
    filterset_fields = ["channel", "frequency", "is_active"]

    def get_queryset(self) -> QuerySet[Subscription]:
        if getattr(self, "swagger_fake_view", False):
            return Subscription.objects.none()
        return (
            Subscription.objects.filter(user_id=self.request.user.pk)  # type: ignore[misc]  # IsAuthenticated
            .select_related("webhook")
            .prefetch_related("indicators")
            .order_by("-id")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        subscription = subscription_create(actor=request.user, **data)
        body = SubscriptionSerializer(subscription, context={"show_secret": True}).data
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Subscription) -> None:
        subscription_unsubscribe(subscription=instance, actor=self.request.user)


router = ApiRouter()
router.register("subscriptions", SubscriptionViewSet, basename="subscription")
urlpatterns = router.urls
