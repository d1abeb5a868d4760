"""Publications (releases) and the observations frozen into them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ddms_platform.core.models import TimeStampedModel

from ..choices import ObsStatus, PeriodType, PublicationState
from .indicators import Indicator
from .observations import VALUE_DECIMALS, VALUE_DIGITS, Observation
from .territories import Territory


class Publication(TimeStampedModel):
    """One version of a release series: indicators for a pilot or territory, on the calendar."""

    series = models.SlugField(max_length=100)
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    pilot = models.ForeignKey(
        "partnerships.Pilot",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publications",
    )
    # The territory the release covers; its descendants are included.
    territory = models.ForeignKey(
        Territory, null=True, blank=True, on_delete=models.PROTECT, related_name="publications"
    )
    indicators = models.ManyToManyField(Indicator, related_name="publications")
    # The declaration is indicators × territories (the root and its descendants; none = all) ×
    # periods (whose start lies in [period_from, period_to]; open ends reach as far as data) ×
    # dimensions (dimension id → codes; a dimension not named means all its codes). Freezing
    # takes exactly these cells, and no other series may declare any of them.
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    dimension_filter = models.JSONField(default=dict, blank=True)
    release_at = models.DateTimeField(null=True, blank=True, db_index=True)
    state = models.CharField(
        max_length=12,
        choices=PublicationState.choices,
        default=PublicationState.DRAFT,
        db_index=True,
    )
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions"
    )
    frozen_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    # What changed against the version this one supersedes: added/removed/changed keys.
    diff = models.JSONField(default=dict, blank=True)
    diff_summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Four eyes: the last user who prepared (created or edited) it, and the manager who approved.
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # The calendar entry: RFC 5545 SEQUENCE (raised on every change of an announced entry),
    # DTSTAMP (when the entry was last written) and the announced time and reason of a change.
    calendar_sequence = models.PositiveIntegerField(default=0)
    calendar_written_at = models.DateTimeField(null=True, blank=True)
    announced_at = models.DateTimeField(null=True, blank=True)
    calendar_reason = models.TextField(blank=True)
    # A revision that changed nothing is published without notifying anyone.
    notification_skipped = models.BooleanField(default=False)

    class Meta:
        ordering = ["-release_at", "series", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["series", "version"], name="publication_version_unique")
        ]
        indexes = [models.Index(fields=["state", "release_at"])]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class ReleasedObservation(models.Model):
    """An observation as frozen into a release, after disclosure control; never edited."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="released_observations"
    )
    # The working observation it was copied from, for lineage; the copy outlives later edits.
    observation = models.ForeignKey(
        Observation, null=True, blank=True, on_delete=models.SET_NULL, related_name="releases"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="+")
    # Codes copied so open-data exports stream one table without joins.
    indicator_code = models.CharField(max_length=50)
    territory_code = models.CharField(max_length=30)
    period = models.CharField(max_length=10)
    period_type = models.CharField(max_length=1, choices=PeriodType.choices)
    period_start = models.DateField()
    dims = models.JSONField(default=dict, blank=True)
    dims_key = models.CharField(max_length=255, blank=True, default="")
    value = models.DecimalField(
        max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS, null=True, blank=True
    )
    status = models.CharField(max_length=1, choices=ObsStatus.choices)
    submission = models.ForeignKey(
        "partnerships.Submission",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="released_observations",
    )

    class Meta:
        ordering = ["publication", "indicator_code", "territory_code", "period_start", "dims_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "indicator", "territory", "period", "dims_key"],
                name="released_observation_key_unique",
            )
        ]
        indexes = [
            # The series endpoint: one indicator in the current releases, by territory and time.
            models.Index(
                fields=["indicator", "publication", "territory", "period_start"],
                name="relobs_series_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code}/{self.territory_code}/{self.period}/{self.dims_key}"


class PublishingPolicy(TimeStampedModel):
    """Per-NSI publishing settings: very small offices may relax the four-eyes rule."""

    organisation = models.OneToOneField(
        "partnerships.Organisation", on_delete=models.CASCADE, related_name="publishing_policy"
    )
    four_eyes_relaxed = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "publishing policies"

    def __str__(self) -> str:
        return f"{self.organisation_id}: four eyes {'relaxed' if self.four_eyes_relaxed else 'on'}"


class PreReleaseAccess(models.Model):
    """A named user who may read a scheduled release some hours before its release time."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="pre_release_access"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    hours = models.PositiveSmallIntegerField()
    purpose = models.CharField(max_length=300, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["publication", "granted_at"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "user"], name="prerelease_user_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.publication_id}, {self.hours} h early"


class PreReleaseView(models.Model):
    """One view of a release under pre-release access (the log published with the release)."""

    access = models.ForeignKey(PreReleaseAccess, on_delete=models.CASCADE, related_name="views")
    viewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["viewed_at"]

    def __str__(self) -> str:
        return f"{self.access_id} at {self.viewed_at:%Y-%m-%d %H:%M}"
