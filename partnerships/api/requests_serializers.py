"""Serializers of data requests, comments, submissions and fulfilment records."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from ddms_platform.core.scoping import VisiblePK

from ..choices import RequestDirection, RequestFrequency
from ..models import (
    Agreement,
    DataRequest,
    EscalationStep,
    Organisation,
    Pilot,
    RequestComment,
    Submission,
)
from ..services.requests import REQUEST_MACHINE


class DataRequestSerializer(serializers.ModelSerializer):
    """A data request as both sides read it."""

    requester_name = serializers.CharField(source="requester.name", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    next_states = serializers.SerializerMethodField()

    class Meta:
        model = DataRequest
        fields = [
            "id",
            "direction",
            "title",
            "purpose",
            "legal_basis",
            "requester",
            "requester_name",
            "provider",
            "provider_name",
            "agreement",
            "pilot",
            "table_schema",
            "dialect",
            "frequency",
            "due_on",
            "deliverable",
            "period",
            "state",
            "is_overdue",
            "next_states",
            "sent_at",
            "accepted_at",
            "decline_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_next_states(self, obj: DataRequest) -> list[str]:
        return REQUEST_MACHINE.allowed(obj.state)


class DataRequestCreateSerializer(serializers.Serializer):
    """Input of a new draft request; the service checks sides, agreement and schema."""

    direction = serializers.ChoiceField(choices=RequestDirection.choices)
    title = serializers.CharField(max_length=300)
    purpose = serializers.CharField()
    legal_basis = serializers.CharField(required=False, allow_blank=True, default="")
    requester = VisiblePK(Organisation)
    provider = VisiblePK(Organisation)
    agreement = VisiblePK(Agreement, required=False, allow_null=True, default=None)
    pilot = VisiblePK(Pilot, required=False, allow_null=True, default=None)
    table_schema = serializers.JSONField(help_text="A Frictionless Table Schema descriptor.")
    dialect = serializers.JSONField(
        required=False,
        default=dict,
        help_text="A Frictionless CSV Dialect (delimiter, header, headerRows, quoteChar, "
        "escapeChar, doubleQuote, commentChar, skipInitialSpace, lineTerminator); "
        "empty = detect the delimiter, header in row 1.",
    )
    frequency = serializers.ChoiceField(
        choices=RequestFrequency.choices, default=RequestFrequency.ONE_OFF
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class DataRequestUpdateSerializer(serializers.Serializer):
    """Editable fields of a draft request (all optional)."""

    title = serializers.CharField(max_length=300, required=False)
    purpose = serializers.CharField(required=False)
    legal_basis = serializers.CharField(required=False, allow_blank=True)
    table_schema = serializers.JSONField(required=False)
    dialect = serializers.JSONField(required=False)
    frequency = serializers.ChoiceField(choices=RequestFrequency.choices, required=False)
    due_on = serializers.DateField(required=False, allow_null=True)


class ReasonSerializer(serializers.Serializer):
    """The reason given for declining, asking for changes or withdrawing."""

    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class RequestCommentSerializer(serializers.ModelSerializer):
    """A message in a request's thread."""

    author_name = serializers.CharField(
        source="author.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = RequestComment
        fields = ["id", "author", "author_name", "body", "created_at"]
        read_only_fields = ["id", "author", "author_name", "created_at"]


class SubmissionUploadSerializer(serializers.Serializer):
    """Multipart upload of a CSV or XLSX file."""

    file = serializers.FileField(allow_empty_file=True)


class ValidationSummarySerializer(serializers.Serializer):
    """The run of a submission: status, progress and the report's headline."""

    status = serializers.CharField()
    rows_done = serializers.IntegerField()
    attempts = serializers.IntegerField()
    queued_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField()
    valid = serializers.SerializerMethodField()
    error_count = serializers.SerializerMethodField()
    warning_count = serializers.SerializerMethodField()

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_valid(self, run: Any) -> bool | None:
        return run.report.get("valid") if run.report else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_error_count(self, run: Any) -> int | None:
        return run.report.get("stats", {}).get("errors") if run.report else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_warning_count(self, run: Any) -> int | None:
        return run.report.get("stats", {}).get("warnings") if run.report else None


class SubmissionSerializer(serializers.ModelSerializer):
    """A stored upload with its fingerprint and validation status."""

    validation = ValidationSummarySerializer(source="validation_run", read_only=True)
    links = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "request",
            "version",
            "original_name",
            "format",
            "size",
            "sha256",
            "encoding",
            "uploaded_by",
            "uploaded_at",
            "validation",
            "links",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "self": {"type": "string"},
                "report": {"type": "string"},
                "report_csv": {"type": "string"},
                "download": {"type": "string"},
            },
        }
    )
    def get_links(self, obj: Submission) -> dict[str, str]:
        request = self.context.get("request")
        base = reverse("submission-detail", args=[obj.pk], request=request)
        return {
            "self": base,
            "report": f"{base}report/",
            "report_csv": f"{base}report.csv",
            "download": f"{base}download/",
        }


class FulfilmentSerializer(serializers.Serializer):
    """An organisation's record of answering requests, with its traffic light."""

    organisation_id = serializers.IntegerField()
    organisation_name = serializers.CharField()
    answered_on_time = serializers.IntegerField()
    answered_late = serializers.IntegerField()
    overdue_unanswered = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    first_uploads = serializers.IntegerField()
    first_uploads_passed = serializers.IntegerField()
    first_upload_pass_rate = serializers.FloatField(allow_null=True)
    light = serializers.ChoiceField(choices=["green", "amber", "red", "grey"])
    reasons = serializers.ListField(child=serializers.CharField())


class EscalationStepSerializer(serializers.ModelSerializer):
    """One step of the escalation ladder taken for a request: which, on which working day."""

    # How many people were told, not who: the partner reads this too.
    people_told = serializers.SerializerMethodField()

    class Meta:
        model = EscalationStep
        fields = ["step", "due_on", "recorded_at", "people_told"]
        read_only_fields = fields

    def get_people_told(self, obj: EscalationStep) -> int:
        return len(obj.recipients or [])
