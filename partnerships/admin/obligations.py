"""Back-office of recurring obligations: deliverables, ladders, steps taken, self-reports."""

from __future__ import annotations

from django.contrib import admin

from ..models import Deliverable, EscalationPolicy, EscalationStep, ProgressReport
from ..services import obligations as services
from .base import ServiceAdmin
from .requests import ReadOnlyAdminMixin


@admin.register(Deliverable)
class DeliverableAdmin(ServiceAdmin):
    list_display = ("title", "agreement", "provider", "frequency", "first_period", "is_active")
    list_filter = ("frequency", "is_active")
    search_fields = ("title", "agreement__reference", "provider__name")
    list_select_related = ("agreement", "provider")
    autocomplete_fields = ("agreement", "provider", "contact")
    create_service = staticmethod(services.deliverable_create)
    update_service = staticmethod(services.deliverable_update)
    object_kw = "deliverable"
    service_fields = ("agreement", "provider", *services.DELIVERABLE_FIELDS)
    create_only_fields = ("agreement", "provider")


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(ServiceAdmin):
    list_display = ("nsi", "reminder_days_before", "managers_after", "coordinator_after")
    autocomplete_fields = ("nsi",)
    create_service = staticmethod(services.escalation_policy_create)
    update_service = staticmethod(services.escalation_policy_update)
    object_kw = "policy"
    service_fields = ("nsi", *services.POLICY_FIELDS)
    create_only_fields = ("nsi",)


@admin.register(EscalationStep)
class EscalationStepAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("request", "step", "due_on", "recorded_at")
    list_filter = ("step",)
    list_select_related = ("request",)


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("agreement", "reported_on", "reported_by")
    list_select_related = ("agreement", "reported_by")
