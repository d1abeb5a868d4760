"""Back-office for agreements (parties, documents, lifecycle actions) and case studies."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from .. import services
from ..choices import AgreementState, Resource
from ..models import Agreement, AgreementDocument, AgreementParty, CaseObjective, CaseStudy
from ..services._common import check_choice_list
from ..services.agreements import (
    AGREEMENT_FIELDS,
    CASE_STUDY_FIELDS,
    OBJECTIVE_FIELDS,
    parties_check,
)
from ..services.network import case_study_share
from .base import ServiceAdmin, ServiceInline, ServiceInlineFormSet, run_service_action
from .network import SHARING_READONLY, sharing_actions


class AgreementPartyForm(forms.ModelForm):
    class Meta:
        model = AgreementParty
        fields = ("organisation", "resources", "contribution")

    def clean_resources(self) -> list[str]:
        return check_choice_list("resources", self.cleaned_data["resources"], Resource)


class AgreementPartyFormSet(BaseInlineFormSet):
    """Parties are checked by the agreement service's rules and saved through the service."""

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "organisation": f.cleaned_data["organisation"],
                "resources": f.cleaned_data.get("resources") or [],
                "contribution": f.cleaned_data.get("contribution") or "",
            }
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        try:
            parties_check(nsi_id=self.instance.nsi_id, parties=self.rows())
        except ValidationError as exc:
            raise ValidationError(
                [m for ms in exc.message_dict.values() for m in ms]
                if hasattr(exc, "error_dict")
                else exc.messages
            ) from None


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    form = AgreementPartyForm
    formset = AgreementPartyFormSet
    extra = 0
    autocomplete_fields = ("organisation",)


class AgreementDocumentInline(admin.TabularInline):
    """Document versions are immutable: shown, never edited here."""

    model = AgreementDocument
    fields = (
        "title",
        "version",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


def _transition_action(target: str) -> Any:
    def action(modeladmin: admin.ModelAdmin, request: Any, queryset: Any) -> None:
        run_service_action(
            modeladmin,
            request,
            queryset,
            lambda a: services.agreement_transition(agreement=a, target=target, actor=request.user),
            f"Moved to {target}",
        )

    action.__name__ = f"transition_to_{target}"
    return admin.action(
        description=f"Move selected agreements to '{AgreementState(target).label}'"
    )(action)


@admin.register(Agreement)
class AgreementAdmin(ServiceAdmin):
    list_display = ("reference", "title", "type", "state", "nsi", "signed_on", "ends_on")
    list_filter = ("nsi__country", "state", "type", "nsi")
    search_fields = ("reference", "title", "goals", "party_links__organisation__name")
    list_select_related = ("nsi",)
    date_hierarchy = "created_at"
    readonly_fields = ("state", "created_by")
    autocomplete_fields = ("nsi",)
    inlines = (AgreementPartyInline, AgreementDocumentInline)
    actions = [
        _transition_action(s) for s in AgreementState.values if s != AgreementState.DRAFT
    ] + [_transition_action(AgreementState.DRAFT)]
    create_service = staticmethod(services.agreement_create)
    update_service = staticmethod(services.agreement_update)
    object_kw = "agreement"
    service_fields = AGREEMENT_FIELDS

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        if isinstance(formset, AgreementPartyFormSet):
            # The service replaces the parties (its rules, its audit entry), not the formset.
            if formset.has_changed():
                services.agreement_update(
                    agreement=form.instance, actor=request.user, data={}, parties=formset.rows()
                )
            # The admin's change message reads what the formset would have saved.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_formset(request, form, formset, change)


@admin.register(AgreementDocument)
class AgreementDocumentAdmin(admin.ModelAdmin):
    """Read-only list of every document version (upload through the API)."""

    list_display = (
        "title",
        "version",
        "agreement",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    )
    list_filter = ("content_type",)
    search_fields = ("title", "original_name", "sha256", "agreement__reference")
    list_select_related = ("agreement", "uploaded_by")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class CaseObjectiveFormSet(ServiceInlineFormSet):
    """Objectives are replaced by the case-study service (its rules, its audit entry)."""

    def apply(self, actor: Any) -> None:
        rows = []
        for f in self.live_forms():
            row = self.row(f, OBJECTIVE_FIELDS)
            if f.instance.pk is not None:
                # Kept from the stored row: what this inline does not show.
                row["indicator_codes"] = list(f.instance.indicator_codes or [])
                row["deliverables"] = list(f.instance.deliverables.all())
            rows.append(row)
        services.case_study_update(case_study=self.instance, actor=actor, data={}, objectives=rows)


class CaseObjectiveInline(ServiceInline):
    model = CaseObjective
    formset = CaseObjectiveFormSet
    fields = ("position", "objective", "planned_outcome", "achieved_outcome", "status")
    extra = 0


@admin.action(description="Publish selected case studies to the knowledge base")
def publish_case_studies(modeladmin: admin.ModelAdmin, request: Any, queryset: Any) -> None:
    run_service_action(
        modeladmin,
        request,
        queryset,
        lambda c: services.case_study_publish(case_study=c, actor=request.user),
        "Published",
    )


@admin.register(CaseStudy)
class CaseStudyAdmin(ServiceAdmin):
    list_display = ("title", "agreement", "is_published", "published_at", "shared_with_network")
    list_filter = (
        "agreement__nsi__country",
        "is_published",
        "shared_with_network",
        "agreement__state",
    )
    search_fields = ("title", "narrative", "agreement__reference")
    list_select_related = ("agreement",)
    readonly_fields = ("is_published", "published_at", *SHARING_READONLY)
    autocomplete_fields = ("agreement",)
    inlines = (CaseObjectiveInline,)
    actions = [
        publish_case_studies,
        *sharing_actions(case_study_share, "case_study", "case studies"),
    ]
    create_service = staticmethod(services.case_study_create)
    update_service = staticmethod(services.case_study_update)
    object_kw = "case_study"
    service_fields = ("agreement", *CASE_STUDY_FIELDS)
    create_only_fields = ("agreement",)
