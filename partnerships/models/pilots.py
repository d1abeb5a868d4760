"""Pilot projects in a city and the policies they support."""

from __future__ import annotations

from django.db import models

from ddms_platform.core.models import TimeStampedModel

from ..choices import PolicyKind, TargetDirection
from .agreements import Agreement
from .registry import Country, Organisation


class Pilot(TimeStampedModel):
    """A pilot project: one city, its NSI office, local government and partners."""

    name = models.CharField(max_length=200)
    city = models.CharField(max_length=120)
    # Stable territory code (NUTS/LAU style); the indicators app resolves it to a Territory.
    territory_code = models.CharField(max_length=30, blank=True, db_index=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="pilots")
    nsi = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="nsi_pilots")
    local_government = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="government_pilots"
    )
    partners = models.ManyToManyField(Organisation, blank=True, related_name="partner_pilots")
    agreements = models.ManyToManyField(Agreement, blank=True, related_name="pilots")
    themes = models.JSONField(default=list, blank=True)
    description = models.TextField(blank=True)
    decision_relevance = models.TextField(
        help_text="Why the pilot matters for decision making (required)."
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Policy(TimeStampedModel):
    """A strategy, investment plan or programme the pilot helps monitor or evaluate."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="policies")
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=PolicyKind.choices)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["pilot", "name"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.name


class PolicyTarget(models.Model):
    """A numeric target on an indicator used to follow a policy."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="targets")
    # The indicator's code; the indicators app looks the indicator up by it.
    indicator_code = models.CharField(max_length=50, db_index=True)
    target_value = models.DecimalField(max_digits=20, decimal_places=6)
    target_year = models.PositiveIntegerField()
    direction = models.CharField(max_length=10, choices=TargetDirection.choices)
    baseline_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    baseline_year = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["policy", "indicator_code", "target_year"]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.direction} {self.target_value} by {self.target_year}"
