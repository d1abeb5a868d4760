"""Back-office for data requests, submissions and validation runs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from ddms_platform.core.admin import AuditTrailMixin
from ddms_platform.core.errors import DomainError

from ..models import DataRequest, RequestComment, Submission, ValidationRun
from ..services.requests import (
    EDITABLE_FIELDS,
    check_dialect,
    check_parties,
    check_table_schema,
    request_create,
    request_update,
)
from ..services.validation import validation_run_rerun

CREATE_FIELDS = (
    "direction",
    "title",
    "purpose",
    "legal_basis",
    "requester",
    "provider",
    "agreement",
    "pilot",
    "table_schema",
    "dialect",
    "frequency",
    "due_on",
)


class ReadOnlyAdminMixin:
    """Rows written only by services: the back-office reads them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RequestCommentInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The thread, read-only: messages are added through the API (audited, with an event)."""

    model = RequestComment
    extra = 0
    fields = ("created_at", "author", "body")
    readonly_fields = fields


class DataRequestForm(forms.ModelForm):
    """Checks the parties and the Table Schema with the same rules as the service."""

    class Meta:
        model = DataRequest
        fields = CREATE_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            if "table_schema" in data:
                check_table_schema(data["table_schema"])
            if "dialect" in data:
                check_dialect(data["dialect"])
            if self.instance.pk is None and data.get("requester") and data.get("provider"):
                check_parties(
                    direction=data.get("direction", ""),
                    requester=data["requester"],
                    provider=data["provider"],
                    agreement=data.get("agreement"),
                )
        except DomainError as exc:
            fields = exc.extra.get("fields") or {}
            raise ValidationError(
                {k: v for k, v in fields.items() if k in self.fields} or exc.message
            ) from exc
        return data


class SubmissionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Submission
    extra = 0
    fields = ("version", "original_name", "format", "size", "encoding", "sha256", "uploaded_at")
    readonly_fields = fields
    show_change_link = True


@admin.register(DataRequest)
class DataRequestAdmin(AuditTrailMixin, admin.ModelAdmin):
    """Requests; state changes go through the API/services, so `state` is read-only here."""

    list_display = ("title", "direction", "requester", "provider", "state", "due_on", "overdue")
    list_filter = ("requester__country", "state", "direction", "frequency")
    search_fields = ("title", "purpose", "requester__name", "provider__name")
    list_select_related = ("requester", "provider")
    raw_id_fields = ("requester", "provider", "agreement", "pilot", "created_by")
    form = DataRequestForm
    readonly_fields = (
        "state",
        "sent_at",
        "accepted_at",
        "decline_reason",
        "created_by",
        "audit_trail",
    )
    inlines = [RequestCommentInline, SubmissionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.readonly_fields
        # Who asks whom under which agreement is fixed once created.
        return (*self.readonly_fields, "direction", "requester", "provider", "agreement", "pilot")

    def save_model(self, request: HttpRequest, obj: DataRequest, form: Any, change: bool) -> None:
        # Through the services, so the back-office writes the same audit entries as the API.
        data = form.cleaned_data
        if not change:
            created = request_create(
                actor=request.user,
                **{name: data.get(name) for name in CREATE_FIELDS if name in data},
            )
            obj.pk = created.pk
            obj.refresh_from_db()
            return
        changes = {n: data[n] for n in form.changed_data if n in EDITABLE_FIELDS}
        if changes:
            request_update(request=obj, actor=request.user, **changes)

    @admin.display(boolean=True, description="Overdue")
    def overdue(self, obj: DataRequest) -> bool:
        return obj.is_overdue


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdminMixin, AuditTrailMixin, admin.ModelAdmin):
    """Uploads, kept byte-for-byte; never edited."""

    list_display = ("__str__", "original_name", "format", "size", "encoding", "uploaded_at")
    list_filter = ("request__requester__country", "format")
    search_fields = ("original_name", "sha256", "request__title")
    list_select_related = ("request",)
    readonly_fields = (
        "request",
        "version",
        "original_name",
        "format",
        "size",
        "sha256",
        "encoding",
        "uploaded_by",
        "uploaded_at",
        "download",
        "audit_trail",
    )
    exclude = ("file",)

    @admin.display(description="File")
    def download(self, obj: Submission) -> str:
        url = reverse("submission-download", args=[obj.pk])
        return format_html('<a href="{}">Download {}</a>', url, obj.original_name)


@admin.register(ValidationRun)
class ValidationRunAdmin(ReadOnlyAdminMixin, AuditTrailMixin, admin.ModelAdmin):
    """Validation runs; the only action is to run one again."""

    list_display = ("submission", "status", "rows_done", "attempts", "queued_at", "finished_at")
    list_filter = ("status",)
    list_select_related = ("submission",)
    search_fields = ("submission__request__title", "submission__sha256")
    readonly_fields = (
        "submission",
        "status",
        "rows_done",
        "attempts",
        "last_error",
        "queued_at",
        "started_at",
        "finished_at",
        "report",
        "audit_trail",
    )
    actions = ["rerun"]

    @admin.action(description="Re-run validation")
    def rerun(self, request: HttpRequest, queryset: QuerySet[ValidationRun]) -> None:
        done = 0
        for run in queryset:
            try:
                validation_run_rerun(run=run, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{run}: {exc.message}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} run(s) queued again.", messages.SUCCESS)
