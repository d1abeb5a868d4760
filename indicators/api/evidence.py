"""The evidence-use log in the API: read as scoped, recorded by the pilot's city staff."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission

from ddms_platform.core.scoping import ScopedFilterSet, VisiblePK
from partnerships.models import Pilot, Policy

from ..models import EvidenceUse, ReleasedObservation
from ..selectors.evidence import evidence_visible
from ..services.evidence import evidence_record

READ_FIELDS = [
    "id",
    "pilot",
    "policy",
    "kind",
    "title",
    "decided_on",
    "decision_body",
    "url",
    "document_name",
    "document_sha256",
    "figure",
    "publication",
    "publication_version",
    "indicator",
    "territory",
    "period",
    "dims_key",
    "value",
    "lineage_sha256",
    "public",
    "created_at",
]


class EvidenceUseSerializer(serializers.ModelSerializer):
    pilot = VisiblePK(Pilot)
    policy = VisiblePK(Policy, required=False, allow_null=True)
    figure = VisiblePK(ReleasedObservation, source="released_observation")
    document = serializers.FileField(write_only=True, required=False)
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    territory = serializers.CharField(source="territory_code", read_only=True)
    publication_version = serializers.IntegerField(source="publication.version", read_only=True)
    value = serializers.FloatField(read_only=True)

    class Meta:
        model = EvidenceUse
        fields = [*READ_FIELDS, "document"]
        read_only_fields = [
            "id",
            "document_name",
            "document_sha256",
            "publication",
            "period",
            "dims_key",
            "lineage_sha256",
            "created_at",
        ]


class EvidenceUseFilter(ScopedFilterSet):
    # Plain ids: the rows are scoped already, and the public may filter public records by pilot.
    pilot = django_filters.NumberFilter(field_name="pilot_id")
    policy = django_filters.NumberFilter(field_name="policy_id")
    indicator = django_filters.CharFilter(field_name="indicator__code")

    class Meta:
        model = EvidenceUse
        fields = ["pilot", "policy", "kind", "indicator"]


class EvidencePermission(BasePermission):
    """Anyone reads (rows are scoped); signed-in users may try to record (the service decides)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return request.method in ("GET", "HEAD", "OPTIONS") or request.user.is_authenticated


class EvidenceUseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Which published figure informed which decision of the city."""

    serializer_class = EvidenceUseSerializer
    permission_classes = [EvidencePermission]
    filterset_class = EvidenceUseFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[EvidenceUse]:
        return evidence_visible(user=self.request.user).order_by("-decided_on", "-pk")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = evidence_record(actor=self.request.user, **data)
