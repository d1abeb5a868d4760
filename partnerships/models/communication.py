"""Communication plans, their activities, and the knowledge base."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ddms_platform.core.models import SharedWithNetwork, TimeStampedModel

from ..choices import ActivityKind, ActivityStatus, ArticleKind
from .agreements import Agreement, CaseStudy
from .pilots import Pilot
from .registry import Organisation


class CommunicationPlan(TimeStampedModel):
    """How a pilot's or an agreement's results reach their audiences."""

    title = models.CharField(max_length=300)
    pilot = models.ForeignKey(
        Pilot, null=True, blank=True, on_delete=models.CASCADE, related_name="communication_plans"
    )
    agreement = models.ForeignKey(
        Agreement,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="communication_plans",
    )
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="communication_plans"
    )
    objectives = models.TextField(blank=True)
    audiences = models.JSONField(default=list, blank=True)
    key_messages = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pilot__isnull=False) | models.Q(agreement__isnull=False),
                name="plan_for_pilot_or_agreement",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Activity(TimeStampedModel):
    """A release, seminar, workshop, meeting, press release, newsletter or post."""

    plan = models.ForeignKey(CommunicationPlan, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    title = models.CharField(max_length=300)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    audience = models.CharField(max_length=20, blank=True)
    status = models.CharField(
        max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    attendees = models.PositiveIntegerField(null=True, blank=True)
    reach = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.title


class KnowledgeArticle(SharedWithNetwork, TimeStampedModel):
    """A guideline, best practice or case study shared among NSIs and cities."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=ArticleKind.choices)
    summary = models.TextField(blank=True)
    # Sanitised HTML (nh3) on every write; templates may render it as is.
    body = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    author_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    case_study = models.ForeignKey(
        CaseStudy, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "title"]

    def __str__(self) -> str:
        return self.title
