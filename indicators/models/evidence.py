"""The evidence-use log: which published figure informed which decision of the city."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ddms_platform.core.models import TimeStampedModel

from .indicators import Indicator
from .observations import VALUE_DECIMALS, VALUE_DIGITS
from .publications import Publication, ReleasedObservation


class EvidenceKind(models.TextChoices):
    COUNCIL_DECISION = "council_decision", _("Council decision")
    BUDGET_LINE = "budget_line", _("Budget line")
    INVESTMENT_PLAN_ITEM = "investment_item", _("Investment-plan item")
    POLICY_REVIEW = "policy_review", _("Policy review")


def _document_path(instance: EvidenceUse, filename: str) -> str:
    # A random name: the original one is kept in the row, never trusted as a path.
    return f"evidence/{instance.pilot_id}/{uuid.uuid4().hex}"


class EvidenceUse(TimeStampedModel):
    """One decision a published figure informed, with the figure pinned to its release."""

    pilot = models.ForeignKey(
        "partnerships.Pilot", on_delete=models.PROTECT, related_name="evidence_uses"
    )
    policy = models.ForeignKey(
        "partnerships.Policy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence_uses",
    )
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    title = models.CharField(max_length=300)
    decided_on = models.DateField()
    decision_body = models.CharField(max_length=200)
    url = models.URLField(blank=True)
    document = models.FileField(upload_to=_document_path, max_length=400, blank=True)
    document_name = models.CharField(max_length=255, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    # The figure, frozen as it was released: the cell, its release version and lineage hash.
    released_observation = models.ForeignKey(
        ReleasedObservation, on_delete=models.PROTECT, related_name="evidence_uses"
    )
    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="evidence_uses")
    territory_code = models.CharField(max_length=30)
    period = models.CharField(max_length=10)
    dims_key = models.CharField(max_length=255, blank=True)
    value = models.DecimalField(
        max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS, null=True, blank=True
    )
    lineage_sha256 = models.CharField(max_length=64, blank=True)
    # Shown to everyone when public; otherwise to the pilot's organisations and the NSI.
    public = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.decided_on})"
