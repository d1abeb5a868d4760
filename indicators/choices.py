"""Enumerations of the indicators domain (DESIGN.md §2, indicators)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritoryLevel(models.TextChoices):
    COUNTRY = "country", _("Country")
    REGION = "region", _("Region")
    DISTRICT = "district", _("District")
    CITY = "city", _("City")
    MUNICIPALITY = "municipality", _("Municipality")


# A child must sit strictly below its parent in this order (city and municipality are peers:
# a municipality may belong to a city, as Kragujevac's urban municipalities do).
LEVEL_RANK = {
    TerritoryLevel.COUNTRY: 0,
    TerritoryLevel.REGION: 1,
    TerritoryLevel.DISTRICT: 2,
    TerritoryLevel.CITY: 3,
    TerritoryLevel.MUNICIPALITY: 4,
}


class PeriodType(models.TextChoices):
    YEAR = "A", _("Year")
    QUARTER = "Q", _("Quarter")
    MONTH = "M", _("Month")


class ObsStatus(models.TextChoices):
    """SDMX code list CL_OBS_STATUS (the codes in common use)."""

    NORMAL = "A", _("Normal value")
    BREAK = "B", _("Time series break")
    DEFINITION_DIFFERS = "D", _("Definition differs")
    ESTIMATED = "E", _("Estimated value")
    FORECAST = "F", _("Forecast value")
    IMPUTED = "I", _("Value imputed by a receiving agency")
    MISSING = "M", _("Missing value; data cannot exist")
    NOT_SIGNIFICANT = "N", _("Not significant")
    MISSING_NOT_COLLECTED = "O", _("Missing value")
    PROVISIONAL = "P", _("Provisional value")
    STRIKE = "S", _("Strike and other special events")
    LOW_RELIABILITY = "U", _("Low reliability")
    UNVALIDATED = "V", _("Unvalidated value")
    CONFIDENTIAL = "C", _("Confidential (suppressed)")


class PublicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


# A release in one of these states is public from its release time on (the embargo rule).
RELEASABLE_STATES = (
    PublicationState.SCHEDULED,
    PublicationState.PUBLISHED,
    PublicationState.SUPERSEDED,
)

# Announced releases taken off the schedule: they stay on the calendar with their reason.
WITHDRAWN_STATES = (PublicationState.POSTPONED, PublicationState.CANCELLED)
# Every state in which a release holds the cells it declares (a cancelled one holds none).
HOLDING_STATES = tuple(s for s in PublicationState if s != PublicationState.CANCELLED)


class KitImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed")
    APPLIED = "applied", _("Applied")
