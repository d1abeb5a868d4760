"""Back-office for pilots and the policies they support, with their targets."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .. import services
from ..models import Pilot, Policy, PolicyTarget
from ..services.pilots import PILOT_FIELDS, POLICY_FIELDS, TARGET_FIELDS
from .base import ServiceAdmin, ServiceInline, ServiceInlineFormSet


class PolicyInline(admin.TabularInline):
    """Policies are listed here; each one's targets are edited on the policy's own page."""

    model = Policy
    fields = ("name", "kind")
    readonly_fields = ("name", "kind")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Pilot)
class PilotAdmin(ServiceAdmin):
    list_display = ("name", "city", "country", "nsi", "local_government", "starts_on", "ends_on")
    list_filter = ("country", "nsi", "city")
    search_fields = ("name", "city", "description", "decision_relevance")
    list_select_related = ("country", "nsi", "local_government")
    filter_horizontal = ("partners", "agreements")
    autocomplete_fields = ("nsi", "local_government")
    inlines = (PolicyInline,)
    create_service = staticmethod(services.pilot_create)
    update_service = staticmethod(services.pilot_update)
    object_kw = "pilot"
    service_fields = (*PILOT_FIELDS, "partners", "agreements")
    nested_fields = ("partners", "agreements")


class PolicyTargetFormSet(ServiceInlineFormSet):
    """Targets are replaced by the policy service (its rules, its audit entry)."""

    def apply(self, actor: Any) -> None:
        rows = [self.row(f, TARGET_FIELDS) for f in self.live_forms()]
        services.policy_update(policy=self.instance, actor=actor, data={}, targets=rows)


class PolicyTargetInline(ServiceInline):
    model = PolicyTarget
    formset = PolicyTargetFormSet
    fields = (
        "indicator_code",
        "direction",
        "target_value",
        "target_year",
        "baseline_value",
        "baseline_year",
    )
    extra = 0


@admin.register(Policy)
class PolicyAdmin(ServiceAdmin):
    list_display = ("name", "kind", "pilot")
    list_filter = ("kind", "pilot")
    search_fields = ("name", "description", "targets__indicator_code")
    list_select_related = ("pilot",)
    inlines = (PolicyTargetInline,)
    create_service = staticmethod(services.policy_create)
    update_service = staticmethod(services.policy_update)
    object_kw = "policy"
    service_fields = ("pilot", *POLICY_FIELDS)
    create_only_fields = ("pilot",)
