"""The transactional outbox: events written in the same transaction as their cause."""

from __future__ import annotations

from django.db import models


class OutboxEvent(models.Model):
    """An event to hand to the broker; written with the change that caused it, never lost."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        DISPATCHED = "dispatched", "dispatched"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=100, db_index=True)
    payload = models.JSONField(default=dict)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
