"""API of recurring obligations: deliverables and their per-period completeness."""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from ddms_platform.core.errors import DomainError
from ddms_platform.core.scoping import ScopedFilterSet, VisiblePK

from .. import selectors_obligations as selectors
from ..choices import DeliverableFrequency
from ..models import Agreement, Contact, Deliverable, Organisation
from ..services import obligations as services
from .base import ServiceViewSet


class DeliverableSerializer(serializers.ModelSerializer):
    """A recurring data obligation; agreement and provider are fixed once created."""

    agreement = VisiblePK(Agreement)
    provider = VisiblePK(Organisation)
    contact = VisiblePK(Contact, allow_null=True, required=False)
    provider_name = serializers.CharField(source="provider.name", read_only=True)

    class Meta:
        model = Deliverable
        fields = [
            "id",
            "agreement",
            "provider",
            "provider_name",
            "title",
            "purpose",
            "legal_basis",
            "table_schema",
            "dialect",
            "frequency",
            "due_days",
            "first_period",
            "last_period",
            "contact",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators: list[Any] = []


class DeliverableFilter(ScopedFilterSet):
    frequency = django_filters.ChoiceFilter(choices=DeliverableFrequency.choices)
    agreement = django_filters.ModelChoiceFilter(queryset=Agreement.objects.all())
    provider = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all())

    class Meta:
        model = Deliverable
        fields = ["frequency", "agreement", "provider", "is_active"]


class DeliverableViewSet(ServiceViewSet):
    """Deliverables of data-sharing agreements: NSI staff write, partners read their own."""

    serializer_class = DeliverableSerializer
    filterset_class = DeliverableFilter
    search_fields = ["title", "purpose"]
    ordering_fields = ["title", "created_at", "first_period"]
    selector = staticmethod(selectors.deliverable_list)
    create_service = staticmethod(services.deliverable_create)
    update_service = staticmethod(services.deliverable_update)
    object_kw = "deliverable"

    def perform_update(self, serializer: Any) -> None:
        fixed = {k for k in ("agreement", "provider") if k in serializer.validated_data}
        for name in fixed:
            if serializer.validated_data[name] != getattr(serializer.instance, name):
                raise DomainError(f"The {name} of a deliverable cannot change.", code="invalid")
            serializer.validated_data.pop(name)
        super().perform_update(serializer)


class CompletenessSerializer(serializers.Serializer):
    group = serializers.CharField()
    key = serializers.IntegerField()
    name = serializers.CharField(source="label")
    expected = serializers.IntegerField()
    delivered = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    pending = serializers.IntegerField()
    validated_first_try = serializers.IntegerField()
    completeness_rate = serializers.FloatField(allow_null=True)
    timeliness_rate = serializers.FloatField(allow_null=True)
    first_try_rate = serializers.FloatField(allow_null=True)
    light = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


_FILTERS = {"agreement": "agreement_id", "deliverable": "deliverable_id", "provider": "provider_id"}


class CompletenessViewSet(viewsets.ViewSet):
    """Per-period completeness and timeliness, by deliverable, agreement, partner or NSI."""

    serializer_class = CompletenessSerializer

    @extend_schema(
        responses=CompletenessSerializer(many=True),
        parameters=[
            OpenApiParameter("group", str, enum=list(selectors.GROUPS)),
            *(OpenApiParameter(name, int) for name in _FILTERS),
        ],
    )
    def list(self, request: Request) -> Response:
        group = request.query_params.get("group", "deliverable")
        if group not in selectors.GROUPS:
            raise DomainError(
                f"group must be one of {', '.join(selectors.GROUPS)}.", fields={"group": [group]}
            )
        filters: dict[str, Any] = {}
        for name, lookup in _FILTERS.items():
            raw = request.query_params.get(name)
            if raw is None:
                continue
            if not raw.isdigit():
                raise DomainError(f"{name} must be an id.", fields={name: [raw]})
            filters[lookup] = int(raw)
        records = selectors.completeness(request.user, group=group, **filters)
        return Response(CompletenessSerializer(records, many=True).data)
