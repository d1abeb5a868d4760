"""Data requests, their comment threads, partner submissions and validation runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ddms_platform.core.models import Job, TimeStampedModel

from ..choices import (
    RequestDirection,
    RequestFrequency,
    RequestState,
    RunStatus,
    SubmissionFormat,
)
from .agreements import Agreement
from .pilots import Pilot
from .registry import Organisation

OPEN_REQUEST_STATES = (
    RequestState.SENT,
    RequestState.ACKNOWLEDGED,
    RequestState.CHANGES_REQUESTED,
)


class DataRequest(TimeStampedModel):
    """A request for data: the NSI asks a partner (acquisition) or a city states a need."""

    direction = models.CharField(max_length=12, choices=RequestDirection.choices)
    title = models.CharField(max_length=300)
    purpose = models.TextField()
    legal_basis = models.TextField(blank=True)
    # Who asks and who is asked: NSI → partner for acquisition, city → NSI for a data need.
    requester = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="requests_made"
    )
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="requests_received"
    )
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="data_requests"
    )
    pilot = models.ForeignKey(
        Pilot, null=True, blank=True, on_delete=models.SET_NULL, related_name="data_requests"
    )
    table_schema = models.JSONField(default=dict, blank=True)
    # Frictionless CSV Dialect of the expected file ({} = detect delimiter, header row 1)
    dialect = models.JSONField(default=dict, blank=True)
    frequency = models.CharField(
        max_length=10, choices=RequestFrequency.choices, default=RequestFrequency.ONE_OFF
    )
    due_on = models.DateField(null=True, blank=True)
    # Set on the requests a deliverable generates: one per deliverable and period (2026-03,
    # 2026-Q1, 2026).
    deliverable = models.ForeignKey(
        "partnerships.Deliverable",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="data_requests",
    )
    period = models.CharField(max_length=7, blank=True, db_index=True)
    state = models.CharField(
        max_length=20, choices=RequestState.choices, default=RequestState.DRAFT, db_index=True
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "period"],
                condition=models.Q(deliverable__isnull=False),
                name="request_once_per_period",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        """Derived: due date passed while the provider still owes an answer."""
        return (
            self.due_on is not None
            and self.state in OPEN_REQUEST_STATES
            and self.due_on < timezone.localdate()
        )


class RequestComment(models.Model):
    """A message in a data request's thread (questions, answers, reasons)."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.request_id}"


def _submission_path(instance: Submission, filename: str) -> str:
    # Versioned and content-addressed, so nothing is ever overwritten.
    return (
        f"submissions/{instance.request_id}/v{instance.version}-{instance.sha256[:16]}/{filename}"
    )


class Submission(models.Model):
    """One upload for a request, kept byte-for-byte; a new upload is a new version."""

    request = models.ForeignKey(DataRequest, on_delete=models.PROTECT, related_name="submissions")
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=_submission_path, max_length=400)
    original_name = models.CharField(max_length=255)
    format = models.CharField(max_length=4, choices=SubmissionFormat.choices)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    encoding = models.CharField(max_length=40, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["request", "version"], name="submission_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} v{self.version}"


class ValidationRun(Job):
    """The validation of one submission: a job with its progress and the stored report."""

    FINISHED = (RunStatus.PASSED, RunStatus.FAILED, RunStatus.ERROR)

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="validation_run"
    )
    status = models.CharField(
        max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True
    )
    rows_done = models.PositiveBigIntegerField(default=0)
    report = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at"]

    def __str__(self) -> str:
        return f"validation of {self.submission} ({self.status})"
