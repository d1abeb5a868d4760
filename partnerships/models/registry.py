"""Countries, organisations, their contacts and the users who act for them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ddms_platform.core.models import TimeStampedModel

from ..choices import MembershipRole, OrganisationKind


class Country(models.Model):
    """A country by its ISO 3166-1 alpha-2 code."""

    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return self.name


# An SDMX IDType (SDMX-ML common.xsd): a letter, then letters, digits, "_" or "-".
SDMX_ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"
validate_sdmx_id = RegexValidator(
    SDMX_ID_PATTERN,
    _("An SDMX id starts with a letter and has only letters, digits, '_' and '-'."),
)


class Organisation(TimeStampedModel):
    """An NSI, one of its regional offices, or a local partner."""

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=50, blank=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices, db_index=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="organisations")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    # The SDMX maintenance agency of an NSI: it maintains its country's dataflows.
    agency_id = models.CharField(
        _("SDMX agency id"),
        max_length=50,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_sdmx_id],
        help_text=_("Set for NSIs; names the agency in SDMX exports, e.g. RZS."),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="organisation_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Contact(TimeStampedModel):
    """A person to contact at an organisation (not necessarily a platform user)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=200)
    position = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Membership(TimeStampedModel):
    """A user acting for an organisation with a role (manager, member, viewer)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    # The language of the e-mails this member gets (blank: LANGUAGE_CODE). Kept here because
    # every work notification reaches people through a membership; see docs/notifications.md.
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, blank=True, default="")

    class Meta:
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"
