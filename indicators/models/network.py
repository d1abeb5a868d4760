"""The network across countries: comparable indicators, adoptions and replication-kit imports."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ddms_platform.core.models import TimeStampedModel

from ..choices import KitImportStatus
from .indicators import Indicator


class ComparabilityGroup(TimeStampedModel):
    """Indicators of different countries measuring the same concept the same way."""

    code = models.SlugField(max_length=60, unique=True)
    name_en = models.CharField("name (English)", max_length=300)
    indicators = models.ManyToManyField(Indicator, related_name="comparability_groups")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_en


class IndicatorAdoption(models.Model):
    """One NSI adopted another's shared indicator definition into its own country."""

    source = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="adoptions")
    adopted = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="adopted_from")
    group = models.ForeignKey(
        ComparabilityGroup, on_delete=models.PROTECT, related_name="adoptions"
    )
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adopted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-adopted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.adopted} adopted from {self.source}"


class KitImport(TimeStampedModel):
    """A replication kit read into one pilot: previewed first, then applied all at once."""

    pilot = models.ForeignKey("partnerships.Pilot", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=10,
        choices=KitImportStatus.choices,
        default=KitImportStatus.PREVIEWED,
        db_index=True,
    )
    # The package as read (descriptor and every resource's rows), so applying needs no upload.
    package = models.JSONField(default=dict)
    sha256 = models.CharField(max_length=64)
    preview = models.JSONField(default=dict)
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="kit_imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"kit import {self.pk} into {self.pilot_id} ({self.status})"
