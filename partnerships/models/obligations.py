"""Recurring data obligations: deliverables, escalation steps, per-NSI ladders, self-reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ddms_platform.core.models import TimeStampedModel

from ..choices import DeliverableFrequency, EscalationStepKind
from .agreements import Agreement
from .registry import Contact, Organisation


class Deliverable(TimeStampedModel):
    """A recurring data obligation of a data-sharing agreement: one request per period."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="deliverables")
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="deliverables"
    )
    title = models.CharField(max_length=300)
    purpose = models.TextField()
    legal_basis = models.TextField(blank=True)
    # A copy of the Table Schema (from the schema library or an indicator) and CSV Dialect:
    # each period's request carries the copy it was generated with.
    table_schema = models.JSONField(default=dict, blank=True)
    dialect = models.JSONField(default=dict, blank=True)
    frequency = models.CharField(max_length=10, choices=DeliverableFrequency.choices)
    # The period's due date is this many days after the period ends (15: the 15th next month).
    due_days = models.PositiveIntegerField(default=15)
    first_period = models.CharField(max_length=7)
    last_period = models.CharField(max_length=7, blank=True)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliverables"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agreement", "title", "id"]

    def __str__(self) -> str:
        return self.title


class EscalationPolicy(TimeStampedModel):
    """An NSI's escalation ladder in working days (absent: the DDMS_ESCALATION_* defaults)."""

    nsi = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="escalation_policy"
    )
    reminder_days_before = models.PositiveIntegerField()
    managers_after = models.PositiveIntegerField()
    coordinator_after = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "escalation policies"

    def __str__(self) -> str:
        return f"escalation of {self.nsi}"


class EscalationStep(models.Model):
    """One step of the ladder taken for one request; each step happens at most once."""

    request = models.ForeignKey(
        "partnerships.DataRequest", on_delete=models.CASCADE, related_name="escalation_steps"
    )
    step = models.CharField(max_length=12, choices=EscalationStepKind.choices)
    # The working day the step fell on, and when the job recorded it.
    due_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    recipients = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["request", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "step"], name="escalation_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.step} for request {self.request_id}"


class ProgressReport(models.Model):
    """A partnership's yearly self-report on its progress (as the UN Partnerships for SDGs)."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="progress_reports"
    )
    reported_on = models.DateField()
    summary = models.TextField()
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["agreement", "-reported_on", "-id"]

    def __str__(self) -> str:
        return f"progress of {self.agreement_id} on {self.reported_on}"
