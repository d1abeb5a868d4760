"""Base model and the audit trail shared by both apps."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class TimeStampedModel(models.Model):
    """Abstract base with creation and modification times."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SharedWithNetwork(models.Model):
    """Abstract: a definition private to its NSI until shared with the network (who, when)."""

    shared_with_network = models.BooleanField(default=False, db_index=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One state change: who did what to which object, with the values before and after."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=100, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class JobStatus:
    """The states every job shares; each job model adds its own finished states."""

    QUEUED = "queued"
    RUNNING = "running"
    ERROR = "error"


class Job(models.Model):
    """Abstract background job: state, attempts, times, last error and a worker's lease.

    A running job's worker renews `heartbeat_at` while it works (ddms_platform.core.jobs); a
    job whose lease has expired belongs to a dead worker and the sweep takes it back.
    """

    status = models.CharField(max_length=10, default=JobStatus.QUEUED, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    # When the broker took the job's message; empty while the broker was unreachable.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The lease: which worker (host:pid:token) runs it, and when it last said so.
    worker = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    # States in which the job has nothing more to do (set by each concrete model).
    FINISHED: tuple[str, ...] = (JobStatus.ERROR,)

    class Meta:
        abstract = True
