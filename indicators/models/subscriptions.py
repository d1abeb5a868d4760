"""Subscriptions: who follows which indicators, topic, territory or pilot, and how."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from ddms_platform.core.models import TimeStampedModel

from .indicators import Indicator
from .territories import Territory


def _token() -> str:
    return secrets.token_urlsafe(32)


class Subscription(TimeStampedModel):
    """A person (account or confirmed e-mail) following releases, by e-mail or webhook."""

    class Channel(models.TextChoices):
        EMAIL = "email", "e-mail"
        WEBHOOK = "webhook", "webhook"

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", "immediately"
        DAILY = "daily", "daily digest"
        WEEKLY = "weekly", "weekly digest"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    # Anonymous subscribers are known by e-mail only, confirmed by double opt-in.
    email = models.EmailField(blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    webhook = models.ForeignKey(
        "notify.WebhookEndpoint",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subscriptions",
    )
    language = models.CharField(max_length=10, blank=True)
    # What is followed: any of these matching a release notifies the subscriber.
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="subscriptions")
    topic = models.CharField(max_length=50, blank=True, db_index=True)
    territory = models.ForeignKey(
        Territory, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    pilot = models.ForeignKey(
        "partnerships.Pilot",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    is_active = models.BooleanField(default=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # The unsubscribe link's secret: unguessable, never expiring, one per subscription.
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""), name="subscription_has_owner"
            ),
            models.CheckConstraint(
                condition=Q(channel="email") | Q(webhook__isnull=False),
                name="subscription_webhook_has_endpoint",
            ),
        ]
        indexes = [models.Index(fields=["is_active", "confirmed_at"])]

    def __str__(self) -> str:
        who = self.email or (self.user.get_username() if self.user is not None else "?")
        return f"{who} ({self.channel}, {self.frequency})"

    @property
    def address(self) -> str:
        """The e-mail address messages go to."""
        return self.email or (self.user.email if self.user is not None else "")
