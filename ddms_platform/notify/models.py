"""The transactional outbox, webhook endpoints, notifications and their delivery log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ddms_platform.core.models import Job


class OutboxEvent(models.Model):
    """An event to hand to the broker; written with the change that caused it, never lost."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        DISPATCHED = "dispatched", "dispatched"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=100, db_index=True)
    # Optional idempotency key: an event that must happen once (a reminder for one end date)
    # is recorded at most once, however often or concurrently the job that records it runs.
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    payload = models.JSONField(default=dict)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # A handler may defer an event (an embargoed release): the relay leaves it until then.
    available_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # Renewed while a worker fans the event out; a stale one means that worker died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class WebhookEndpoint(models.Model):
    """A URL that receives signed event bodies, with its signing secret."""

    url = models.URLField(max_length=1000)
    # Standard Webhooks secrets are "whsec_" + base64 of the key bytes.
    secret = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url


class Channel(models.TextChoices):
    EMAIL = "email", "e-mail"
    WEBHOOK = "webhook", "webhook"


class DeliveryBatch(Job):
    """A job delivering a set of notifications of one event: the e-mails of one fan-out
    chunk over one SMTP connection, or one webhook call."""

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        ERROR = "error", "error"

    FINISHED = (Status.DONE, Status.ERROR)

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="batches")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "delivery batches"

    def __str__(self) -> str:
        return f"batch {self.pk} of {self.event_id} ({self.channel}, {self.status})"


class Notification(models.Model):
    """One delivery of one event to one recipient; (recipient, event) is unique."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        SENDING = "sending", "sending"
        SENT = "sent", "sent"
        # Handed to the mail server by a worker that died before recording the answer: it
        # may or may not have arrived. Never resent without an operator's confirmation.
        UNKNOWN = "unknown", "outcome unknown"
        FAILED = "failed", "failed"
        CANCELLED = "cancelled", "cancelled"

    class Digest(models.TextChoices):
        NONE = "", "immediate"
        DAILY = "daily", "daily digest"
        WEEKLY = "weekly", "weekly digest"

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # Who, as a stable string ("user:12", "sub:7", "email:a@b"): the unique key with the event.
    recipient_key = models.CharField(max_length=320)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subscription_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    email = models.EmailField(max_length=254, blank=True)
    webhook = models.ForeignKey(
        WebhookEndpoint, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The delivery job that owns it now (digest rows have none: the digest job sends them).
    batch = models.ForeignKey(
        DeliveryBatch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    language = models.CharField(max_length=10, blank=True)
    digest = models.CharField(max_length=6, choices=Digest.choices, default="", blank=True)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Not before this time: the retry backoff, or the end of an embargo.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient_key", "event"], name="notification_once_per_recipient"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event.kind} → {self.recipient_key} ({self.status})"

    @property
    def address(self) -> str:
        """Where it goes: the e-mail address or the webhook URL."""
        if self.channel == Channel.WEBHOOK and self.webhook is not None:
            return self.webhook.url
        return self.email


class DeliveryAttempt(models.Model):
    """One try to deliver a notification: every webhook call and e-mail hand-off is a row."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    ok = models.BooleanField(default=False)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"attempt on {self.notification_id} ({'ok' if self.ok else 'failed'})"
