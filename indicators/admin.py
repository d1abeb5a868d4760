"""Back-office for the indicators domain; state changes go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from ddms_platform.core.admin import AuditTrailMixin

from .models import (
    Code,
    CodeList,
    Indicator,
    IndicatorMetadata,
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

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        # The lifecycle (schedule, publish, revise) goes through the API and its services.
        return obj is None or obj.state == "draft"


class CodeInline(admin.TabularInline):
    model = Code
    extra = 0
    fields = ("code", "name_en", "name_sr_latn", "name_sr_cyrl", "parent", "order")


@admin.register(CodeList)
class CodeListAdmin(AuditTrailMixin, admin.ModelAdmin):
    """Code lists with their labels in three scripts (REF_AREA comes from the territories)."""

    list_display = ("list_id", "name_en", "name_sr_latn", "name_sr_cyrl", "version")
    search_fields = ("list_id", "name_en", "codes__code", "codes__name_en")
    inlines = [CodeInline]
    readonly_fields = ("audit_trail",)


@admin.register(IndicatorMetadata)
class IndicatorMetadataAdmin(AuditTrailMixin, admin.ModelAdmin):
    """Reference metadata; edits go through the service (concepts and languages checked)."""

    list_display = ("indicator", "updated_at", "updated_by")
    raw_id_fields = ("indicator",)
    readonly_fields = ("updated_by", "audit_trail")
    fields = ("indicator", "content", "updated_by", "audit_trail")

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        from .sdmx.metadata import indicator_metadata_update

        stored = IndicatorMetadata.objects.filter(pk=obj.pk).first() if obj.pk else None
        # Concepts removed in the form are cleared: the service merges what it is given.
        cleared: dict[str, dict[str, str]] = {
            key: {} for key in (stored.content if stored else {}) if key not in obj.content
        }
        saved = indicator_metadata_update(
            actor=request.user, indicator=obj.indicator, content={**cleared, **obj.content}
        )
        obj.pk = saved.pk
