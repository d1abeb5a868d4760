"""Back-office for the indicators domain; state changes go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from ddms_platform.core.admin import AuditTrailMixin
from partnerships.admin.base import run_service_action

from . import services
from .models import (
    Indicator,
    Observation,
    ObservationLoad,
    Publication,
    PublishingPolicy,
    Territory,
)


@admin.register(Territory)
class TerritoryAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ("code", "name_en", "name_sr_cyrl", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name_en", "name_sr_latn", "name_sr_cyrl")
    list_select_related = ("parent",)
    readonly_fields = ("audit_trail",)


@admin.register(Indicator)
class IndicatorAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ("code", "name_en", "unit", "topic", "decimals", "min_cell_count")
    list_filter = ("topic",)
    search_fields = ("code", "name_en", "name_sr_latn")
    filter_horizontal = ("source_organisations",)
    readonly_fields = ("audit_trail",)


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ("indicator", "territory", "period", "dims_key", "value", "status", "submission")
    list_filter = ("status", "period_type", "indicator")
    list_select_related = ("indicator", "territory")
    raw_id_fields = ("submission", "territory", "indicator")

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # observations change only by loading a submission (lineage)


@admin.register(ObservationLoad)
class ObservationLoadAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ("id", "submission", "indicator", "status", "queued_at", "finished_at")
    list_filter = ("status",)
    readonly_fields = ("audit_trail",)


@admin.register(Publication)
class PublicationAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ("title", "series", "version", "state", "release_at")
    list_filter = ("state",)
    search_fields = ("title", "series")
    readonly_fields = (
        "state",
        "release_at",
        "published_at",
        "superseded_at",
        "frozen_at",
        "diff_summary",
        "audit_trail",
    )

    actions = ["approve", "publish_now"]

    def has_add_permission(self, request: Any) -> bool:
        # A release declares its cells and is checked against every other series: the desk
        # (/nsi/publications/new/) and the API create it through the service, never a raw form.
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return obj is None  # the list and its actions; edits go through the desk or the API

    @admin.action(description="Approve the selected drafts (four eyes)")
    def approve(self, request: Any, queryset: Any) -> None:
        run_service_action(
            self,
            request,
            queryset,
            lambda p: services.publication_approve(actor=request.user, publication=p),
            "Approved",
        )

    @admin.action(description="Publish the selected approved releases now")
    def publish_now(self, request: Any, queryset: Any) -> None:
        run_service_action(
            self,
            request,
            queryset,
            lambda p: services.publication_publish(actor=request.user, publication=p),
            "Published",
        )


@admin.register(PublishingPolicy)
class PublishingPolicyAdmin(AuditTrailMixin, admin.ModelAdmin):
    """Read here; changed through `publishing_policy_set` (audited, with a reason)."""

    list_display = ("organisation", "four_eyes_relaxed", "changed_by", "updated_at")
    readonly_fields = ("organisation", "four_eyes_relaxed", "reason", "changed_by", "audit_trail")

    def has_add_permission(self, request: Any) -> bool:
        return False
