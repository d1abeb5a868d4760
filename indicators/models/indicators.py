"""Indicators: what is measured, how, in which unit, disaggregated by which dimensions."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from ddms_platform.core.models import SharedWithNetwork, TimeStampedModel


class Indicator(SharedWithNetwork, TimeStampedModel):
    """A local indicator with its code lists, SDG mapping and disclosure rule."""

    # The NSI that maintains the indicator; codes are unique per owner, not globally.
    owner = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="owned_indicators"
    )
    code = models.CharField(max_length=50)
    name_en = models.CharField("name (English)", max_length=300)
    name_sr_latn = models.CharField("name (Serbian, Latin)", max_length=300, blank=True)
    name_sr_cyrl = models.CharField("name (Serbian, Cyrillic)", max_length=300, blank=True)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=50)
    topic = models.CharField(max_length=50, db_index=True)
    # SDG indicator codes such as "11.2.1"; the format is checked by the service.
    sdg_targets = models.JSONField(default=list, blank=True)
    methodology = models.TextField(blank=True)
    source_organisations = models.ManyToManyField(
        "partnerships.Organisation", blank=True, related_name="indicators"
    )
    # Dimension id → allowed codes, e.g. {"sex": ["F", "M", "_T"]}; order is the SDMX key order.
    dimensions = models.JSONField(default=dict, blank=True)
    decimals = models.PositiveSmallIntegerField(default=1)
    # Plausibility: a submitted value that changed by more than this share against the
    # comparable published one is a warning (None: DDMS_PLAUSIBILITY_TOLERANCE).
    jump_tolerance = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0.01)],
        help_text="Relative change above which a submitted value is flagged (0.5 = ±50 %).",
    )
    # Values counted from fewer units than this are published as confidential (status C).
    min_cell_count = models.PositiveIntegerField(null=True, blank=True)
    # How months or quarters become the annual value the progress measure compares.
    annual_aggregation = models.CharField(
        max_length=4,
        choices=[("mean", "calendar-year mean"), ("sum", "calendar-year sum")],
        default="mean",
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code", "owner_id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="indicator_code_per_owner")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"

    @property
    def dimension_ids(self) -> list[str]:
        """The dimension ids in key order."""
        return list(self.dimensions or {})
