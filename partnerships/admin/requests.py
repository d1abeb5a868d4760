"""Back-office for data requests, submissions and validation runs."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from ddms_platform.core.admin import AuditTrailMixin
from ddms_platform.core.errors import DomainError

from ..models import DataRequest, RequestComment, Submission, ValidationRun
from ..services.validation import validation_run_rerun


class ReadOnlyAdminMixin:
    """Rows written only by services: the back-office reads them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RequestCommentInline(admin.TabularInline):
    model = RequestComment
    extra = 0
    fields = ("created_at", "author", "body")
    readonly_fields = ("created_at", "author")
    can_delete = False


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
    list_filter = ("state", "direction", "frequency")
    search_fields = ("title", "purpose", "requester__name", "provider__name")
    list_select_related = ("requester", "provider")
    raw_id_fields = ("requester", "provider", "agreement", "pilot", "created_by")
    readonly_fields = (
        "state",
        "sent_at",
        "accepted_at",
        "decline_reason",
        "created_by",
        "audit_trail",
    )
    inlines = [RequestCommentInline, SubmissionInline]

    @admin.display(boolean=True, description="Overdue")
    def overdue(self, obj: DataRequest) -> bool:
        return obj.is_overdue


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdminMixin, AuditTrailMixin, admin.ModelAdmin):
    """Uploads, kept byte-for-byte; never edited."""

    list_display = ("__str__", "original_name", "format", "size", "encoding", "uploaded_at")
    list_filter = ("format",)
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
