"""Partnership agreements, their parties and documents, and case studies."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ddms_platform.core.models import SharedWithNetwork, TimeStampedModel

from ..choices import AgreementState, AgreementType, ObjectiveStatus
from .registry import Organisation


class Agreement(TimeStampedModel):
    """A partnership agreement between the NSI and one or more partner organisations."""

    reference = models.CharField(max_length=50, unique=True)
    title = models.CharField(max_length=300)
    nsi = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="nsi_agreements")
    type = models.CharField(max_length=20, choices=AgreementType.choices)
    state = models.CharField(
        max_length=20, choices=AgreementState.choices, default=AgreementState.DRAFT, db_index=True
    )
    domains = models.JSONField(default=list, blank=True)
    goals = models.TextField(blank=True)
    nsi_resources = models.JSONField(default=list, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    renewal_notice_days = models.PositiveIntegerField(default=60)
    # The NSI person the escalation ladder reaches last (blank: the NSI's managers).
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set by the yearly progress job when the self-report is two years late.
    progress_inactive = models.BooleanField(default=False)
    parties = models.ManyToManyField(
        Organisation, through="AgreementParty", related_name="agreements"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class AgreementParty(models.Model):
    """A partner organisation in an agreement, with the resources it brings."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="party_links")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="party_links"
    )
    resources = models.JSONField(default=list, blank=True)
    contribution = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation"], name="party_unique")
        ]
        verbose_name_plural = "agreement parties"

    def __str__(self) -> str:
        return f"{self.organisation} in {self.agreement.reference}"


def _document_path(instance: AgreementDocument, filename: str) -> str:
    # Content-addressed: a version can never overwrite another one's file.
    return f"agreements/{instance.agreement_id}/{instance.sha256}/{filename}"


class AgreementDocument(models.Model):
    """One immutable version of an agreement document, identified by its SHA-256."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=_document_path, max_length=400)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreement", "title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "title", "version"], name="document_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class CaseStudy(SharedWithNetwork, TimeStampedModel):
    """Lessons learned from an agreement: what was planned, achieved and still to do."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="case_studies")
    title = models.CharField(max_length=300)
    narrative = models.TextField(blank=True)
    still_to_achieve = models.TextField(blank=True)
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "case studies"

    def __str__(self) -> str:
        return self.title


class CaseObjective(models.Model):
    """One objective of a case study with its planned and achieved outcome."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="objectives")
    objective = models.CharField(max_length=300)
    planned_outcome = models.TextField(blank=True)
    achieved_outcome = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ObjectiveStatus.choices, default=ObjectiveStatus.NOT_YET
    )
    position = models.PositiveIntegerField(default=0)
    # What "achieved" is measured by: the deliverables' periods delivered and the indicators'
    # published figures (indicator codes: this app does not import the indicators app).
    deliverables = models.ManyToManyField(
        "partnerships.Deliverable", blank=True, related_name="objectives"
    )
    indicator_codes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["case_study", "position", "id"]

    def __str__(self) -> str:
        return self.objective
