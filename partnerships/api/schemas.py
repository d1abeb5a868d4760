"""API of the schema library: saved Table Schema templates of the NSIs."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from ddms_platform.core.scoping import ScopedFilterSet, VisiblePK

from ..models import Organisation, SchemaTemplate
from ..selectors_schemas import schema_templates_visible
from ..services import schemas as services
from .base import ServiceViewSet


class SchemaTemplateSerializer(serializers.ModelSerializer):
    owner = VisiblePK(Organisation)

    class Meta:
        model = SchemaTemplate
        fields = [
            "id",
            "name",
            "description",
            "table_schema",
            "dialect",
            "owner",
            "shared_with_network",
            "shared_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["shared_with_network", "shared_at", "created_at", "updated_at"]


class SchemaTemplateUpdateSerializer(SchemaTemplateSerializer):
    class Meta(SchemaTemplateSerializer.Meta):
        read_only_fields = [*SchemaTemplateSerializer.Meta.read_only_fields, "owner"]


class TemplateShareSerializer(serializers.Serializer):
    shared = serializers.BooleanField()


class SchemaTemplateFilter(ScopedFilterSet):
    class Meta:
        model = SchemaTemplate
        fields = ["owner", "shared_with_network"]


class SchemaTemplateViewSet(ServiceViewSet):
    """Saved schemas: the owner's staff and, once shared, every NSI's staff read them."""

    serializer_class = SchemaTemplateSerializer
    filterset_class = SchemaTemplateFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "updated_at"]
    selector = staticmethod(schema_templates_visible)
    create_service = staticmethod(services.schema_template_create)
    update_service = staticmethod(services.schema_template_update)
    object_kw = "template"

    def get_serializer_class(self) -> Any:
        if self.action in ("update", "partial_update"):
            return SchemaTemplateUpdateSerializer
        return SchemaTemplateSerializer

    @extend_schema(request=TemplateShareSerializer, responses={200: SchemaTemplateSerializer})
    @action(detail=True, methods=["post"])
    def share(self, request: Request, pk: str | None = None) -> Response:
        """Share the template with the network (``{"shared": true}``) or stop sharing it."""
        body = TemplateShareSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        template = services.schema_template_share(
            template=self.get_object(), actor=request.user, shared=body.validated_data["shared"]
        )
        return Response(SchemaTemplateSerializer(template, context={"request": request}).data)
