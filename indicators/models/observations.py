"""Observations: one value of one indicator for one territory, period and dimension key."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ddms_platform.core.models import Job

from ..choices import ObsStatus, PeriodType
from .indicators import Indicator
from .territories import Territory

VALUE_DIGITS = 24
VALUE_DECIMALS = 8


class Observation(models.Model):
    """The working copy of a value, loaded from a submission; frozen into releases on publish."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="observations")
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="observations")
    period = models.CharField(max_length=10)  # 2024, 2024-Q1, 2024-03
    period_type = models.CharField(max_length=1, choices=PeriodType.choices)
    period_start = models.DateField()
    dims = models.JSONField(default=dict, blank=True)
    # "age=Y15-24|sex=F": the dimension values in a canonical order, for uniqueness and joins.
    dims_key = models.CharField(max_length=255, blank=True, default="")
    value = models.DecimalField(
        max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS, null=True, blank=True
    )
    status = models.CharField(max_length=1, choices=ObsStatus.choices, default=ObsStatus.NORMAL)
    # Number of units behind the value, used by the disclosure rule; never published.
    count = models.PositiveBigIntegerField(null=True, blank=True)
    # For an indicator with a disclosure rule, a value without a count is released only when
    # an NSI user confirmed it safe at load time (audited); otherwise it is suppressed.
    disclosure_confirmed = models.BooleanField(default=False)
    submission = models.ForeignKey(
        "partnerships.Submission",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="observations",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "territory", "period_start", "dims_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "territory", "period", "dims_key"],
                name="observation_key_unique",
            )
        ]
        indexes = [models.Index(fields=["indicator", "territory", "period_start"])]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.territory_id}/{self.period}/{self.dims_key}"


class ObservationLoad(Job):
    """One job loading a submission into observations: its mapping, status and error report."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        # The file was rejected (rows named in `result`); nothing was loaded.
        FAILED = "failed", "Failed"
        # The load could not run (a fault, the attempt or time limit); see `last_error`.
        ERROR = "error", "Error"

    FINISHED = (Status.DONE, Status.FAILED, Status.ERROR)

    submission = models.ForeignKey(
        "partnerships.Submission", on_delete=models.PROTECT, related_name="observation_loads"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="loads")
    mapping = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    result = models.JSONField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-queued_at", "-id"]

    def __str__(self) -> str:
        return f"load of {self.submission_id} into {self.indicator_id} ({self.status})"
