"""Open-data downloads counted per indicator and month: numbers only, nothing about who."""

from __future__ import annotations

from django.db import models


class DownloadCount(models.Model):
    """Downloads of one indicator's open data in one month (flushed from cache counters)."""

    # "*" counts downloads that named no indicator (the whole open-data table).
    indicator_code = models.CharField(max_length=50)
    month = models.CharField(max_length=7)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["indicator_code", "month"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_code", "month"], name="download_count_once")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.month}: {self.count}"
