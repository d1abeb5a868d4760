"""Back-office for the indicators domain; state changes go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from ddms_platform.core.admin import AuditTrailMixin

from .models import (
    EvidenceUse,
    Indicator,
    Observation,
    ObservationLoad,
    Publication,
    Territory,
)


@admin.register(Territory)
class TerritoryAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ("code", "name_en", "name_sr_cyrl", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name_en", "name_sr_latn", "name_sr_cyrl")
    list_select_related = ("parent",)
    # Boundaries come in through import_boundaries only (validated and simplified there).
    readonly_fields = ("audit_trail", "boundary", "boundary_source")


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

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        # The lifecycle (schedule, publish, revise) goes through the API and its services.
        return obj is None or obj.state == "draft"


@admin.register(EvidenceUse)
class EvidenceUseAdmin(AuditTrailMixin, admin.ModelAdmin):
    """Read-only: city staff record decisions on the dashboard or through the API."""

    list_display = ("title", "kind", "decided_on", "pilot", "indicator", "period", "public")
    list_filter = ("kind", "public")
    search_fields = ("title", "decision_body")
    list_select_related = ("pilot", "indicator")
    readonly_fields = ("audit_trail",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
