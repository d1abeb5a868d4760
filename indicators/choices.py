"""Enumerations of the indicators domain (DESIGN.md §2, indicators)."""

from django.db import models


class TerritoryLevel(models.TextChoices):
    COUNTRY = "country", "Country"
    REGION = "region", "Region"
    DISTRICT = "district", "District"
    CITY = "city", "City"
    MUNICIPALITY = "municipality", "Municipality"


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
    YEAR = "A", "Year"
    QUARTER = "Q", "Quarter"
    MONTH = "M", "Month"


class ObsStatus(models.TextChoices):
    """SDMX code list CL_OBS_STATUS (the codes in common use)."""

    NORMAL = "A", "Normal value"
    BREAK = "B", "Time series break"
    DEFINITION_DIFFERS = "D", "Definition differs"
    ESTIMATED = "E", "Estimated value"
    FORECAST = "F", "Forecast value"
    IMPUTED = "I", "Value imputed by a receiving agency"
    MISSING = "M", "Missing value; data cannot exist"
    NOT_SIGNIFICANT = "N", "Not significant"
    MISSING_NOT_COLLECTED = "O", "Missing value"
    PROVISIONAL = "P", "Provisional value"
    STRIKE = "S", "Strike and other special events"
    LOW_RELIABILITY = "U", "Low reliability"
    UNVALIDATED = "V", "Unvalidated value"
    CONFIDENTIAL = "C", "Confidential (suppressed)"


class PublicationState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Superseded"


# A release in one of these states is public from its release time on (the embargo rule).
RELEASABLE_STATES = (
    PublicationState.SCHEDULED,
    PublicationState.PUBLISHED,
    PublicationState.SUPERSEDED,
)
