"""Back-office for the indicators domain; state changes go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from ddms_platform.core.admin import AuditTrailMixin
from partnerships.admin.base import run_service_action
from partnerships.admin.network import sharing_actions

from . import services
from .models import (
    Code,
    CodeList,
    ComparabilityGroup,
    EvidenceUse,
    Indicator,
    IndicatorAdoption,
    IndicatorMetadata,
    KitImport,
    Observation,
    ObservationLoad,
    Publication,
    PublishingPolicy,
    Territory,
)
from .services.network import indicator_share


@admin.register(Territory)
class TerritoryAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ("code", "country", "name_en", "name_sr_cyrl", "level", "parent")
    list_filter = ("country", "level")
    search_fields = ("code", "name_en", "name_sr_latn", "name_sr_cyrl")
    list_select_related = ("parent",)
    # Boundaries come in through import_boundaries only (validated and simplified there).
    readonly_fields = ("audit_trail", "boundary", "boundary_source")


@admin.register(Indicator)
class IndicatorAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ("code", "owner", "name_en", "unit", "topic", "decimals", "min_cell_count")
    list_filter = ("owner__country", "owner", "topic", "shared_with_network")
    list_select_related = ("owner",)
    search_fields = ("code", "name_en", "name_sr_latn")
    filter_horizontal = ("source_organisations",)
    readonly_fields = ("shared_with_network", "shared_at", "shared_by", "audit_trail")
    actions = sharing_actions(indicator_share, "indicator", "indicators")


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ("indicator", "territory", "period", "dims_key", "value", "status", "submission")
    list_filter = ("indicator__owner__country", "status", "period_type", "indicator")
    list_select_related = ("indicator", "territory")
    raw_id_fields = ("submission", "territory", "indicator")

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # observations change only by loading a submission (lineage)


@admin.register(ObservationLoad)
class ObservationLoadAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ("id", "submission", "indicator", "status", "queued_at", "finished_at")
    list_filter = ("indicator__owner__country", "status")
    readonly_fields = ("audit_trail",)


@admin.register(Publication)
class PublicationAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ("title", "series", "version", "state", "release_at", "pilot")
    list_filter = ("pilot__country", "indicators__owner__country", "state")
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


@admin.register(ComparabilityGroup)
class ComparabilityGroupAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ("code", "name_en", "created_at")
    search_fields = ("code", "name_en")
    filter_horizontal = ("indicators",)
    readonly_fields = ("audit_trail",)


@admin.register(IndicatorAdoption)
class IndicatorAdoptionAdmin(admin.ModelAdmin):
    """Adoptions are records of what happened: read only (adopt through the network pages)."""

    list_display = ("adopted", "source", "organisation", "group", "adopted_at")
    list_select_related = ("adopted", "source", "organisation", "group")
    readonly_fields = ("source", "adopted", "group", "organisation", "adopted_by", "adopted_at")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(KitImport)
class KitImportAdmin(AuditTrailMixin, admin.ModelAdmin):
    """Replication-kit imports: read only (import through the network pages or the API)."""

    list_display = ("pk", "pilot", "status", "sha256", "created_at", "applied_at")
    list_filter = ("status",)
    list_select_related = ("pilot",)
    readonly_fields = (
        "pilot",
        "status",
        "sha256",
        "preview",
        "created_by",
        "applied_at",
        "audit_trail",
    )
    exclude = ("package", "indicators")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


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
