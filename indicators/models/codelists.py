"""Code lists with labels in three scripts, and indicator reference metadata (SDG / SIMS)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ddms_platform.core.models import TimeStampedModel

from .indicators import Indicator


class CodeList(TimeStampedModel):
    """An SDMX code list (CL_SEX, CL_FREQ, …) maintained in the platform."""

    # The SDMX id, e.g. CL_SEX; the concept it codes is the id without "CL_" (SEX).
    list_id = models.CharField("SDMX id", max_length=50, unique=True)
    name_en = models.CharField("name (English)", max_length=200)
    name_sr_latn = models.CharField("name (Serbian, Latin)", max_length=200, blank=True)
    name_sr_cyrl = models.CharField("name (Serbian, Cyrillic)", max_length=200, blank=True)
    # Three-part SDMX version; raise it when a code changes meaning.
    version = models.CharField(max_length=20, default="1.0.0")

    class Meta:
        ordering = ["list_id"]

    def __str__(self) -> str:
        return self.list_id

    @property
    def concept_id(self) -> str:
        """The concept (and dimension/attribute id) this list codes: CL_SEX → SEX."""
        return self.list_id.removeprefix("CL_")


class Code(models.Model):
    """One code of a code list with its label in English, Serbian Latin and Serbian Cyrillic."""

    code_list = models.ForeignKey(CodeList, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=50)
    name_en = models.CharField("label (English)", max_length=200)
    name_sr_latn = models.CharField("label (Serbian, Latin)", max_length=200, blank=True)
    name_sr_cyrl = models.CharField("label (Serbian, Cyrillic)", max_length=200, blank=True)
    parent = models.CharField(max_length=50, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["code_list", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code_list", "code"], name="code_unique_in_list")
        ]

    def __str__(self) -> str:
        return f"{self.code_list_id}:{self.code}"


class IndicatorMetadata(TimeStampedModel):
    """Reference metadata of an indicator: SDG metadata template sections / ESS SIMS concepts.

    `content` maps a concept id (see indicators.sdmx.metadata.CONCEPTS) to its text per
    language: {"CONTACT_ORGANISATION": {"en": "…", "sr-latn": "…", "sr": "…"}}.
    """

    indicator = models.OneToOneField(
        Indicator, on_delete=models.CASCADE, related_name="reference_metadata"
    )
    content = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "indicator metadata"

    def __str__(self) -> str:
        return f"metadata of {self.indicator_id}"
