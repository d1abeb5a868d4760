"""Back-office for the schema library; saves and sharing go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from ..models import SchemaTemplate
from ..services import schemas as services
from .base import ServiceAdmin, run_service_action


@admin.action(description="Share with the network")
def share_templates(modeladmin: admin.ModelAdmin, request: Any, queryset: Any) -> None:
    run_service_action(
        modeladmin,
        request,
        queryset,
        lambda t: services.schema_template_share(template=t, actor=request.user, shared=True),
        "Shared",
    )


@admin.action(description="Stop sharing with the network")
def unshare_templates(modeladmin: admin.ModelAdmin, request: Any, queryset: Any) -> None:
    run_service_action(
        modeladmin,
        request,
        queryset,
        lambda t: services.schema_template_share(template=t, actor=request.user, shared=False),
        "Unshared",
    )


@admin.register(SchemaTemplate)
class SchemaTemplateAdmin(ServiceAdmin):
    list_display = ("name", "owner", "shared_with_network", "shared_at", "updated_at")
    list_filter = ("shared_with_network",)
    search_fields = ("name", "description", "owner__name")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    readonly_fields = ("shared_with_network", "shared_at", "created_by")
    actions = [share_templates, unshare_templates]
    create_service = staticmethod(services.schema_template_create)
    update_service = staticmethod(services.schema_template_update)
    object_kw = "template"
    service_fields = ("owner", "name", "description", "table_schema", "dialect")
    create_only_fields = ("owner",)
