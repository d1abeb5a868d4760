"""Territories: country → region → district → city or municipality."""

from __future__ import annotations

from django.db import models

from ddms_platform.core.models import TimeStampedModel

from ..choices import TerritoryLevel


class Territory(TimeStampedModel):
    """A territory with a stable code (NUTS/LAU style or the NSI's own) and names in 3 scripts."""

    country = models.ForeignKey(
        "partnerships.Country", on_delete=models.PROTECT, related_name="territories"
    )
    # Unique within the country: two NSIs may both use their own "01" or "KG".
    code = models.CharField(max_length=30)
    level = models.CharField(max_length=12, choices=TerritoryLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_en = models.CharField("name (English)", max_length=200)
    name_sr_latn = models.CharField("name (Serbian, Latin)", max_length=200, blank=True)
    name_sr_cyrl = models.CharField("name (Serbian, Cyrillic)", max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    # A GeoJSON geometry (Polygon or MultiPolygon, WGS 84), validated and simplified on import.
    boundary = models.JSONField(null=True, blank=True)
    # Where the boundary comes from; the demo's say SYNTHETIC.
    boundary_source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code", "country_id"]
        verbose_name_plural = "territories"
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="territory_code_per_country")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"
