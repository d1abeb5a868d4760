"""Services for communication plans, their activities and the knowledge base."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ddms_platform.core.audit import audit_record
from ddms_platform.core.permissions import require_nsi_staff

from ..choices import Audience
from ..models import Activity, CommunicationPlan, KnowledgeArticle, Organisation
from ..selectors import home_nsi
from ._common import apply_fields, check_choice_list, check_tags, record_change, record_create

PLAN_FIELDS = ("title", "pilot", "agreement", "owner", "objectives", "audiences", "key_messages")
ACTIVITY_FIELDS = (
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "location",
    "owner",
    "audience",
    "status",
    "attendees",
    "reach",
    "outcome",
)
ARTICLE_FIELDS = (
    "title",
    "slug",
    "kind",
    "summary",
    "body",
    "tags",
    "author_organisation",
    "case_study",
)


def _clean_plan(plan: CommunicationPlan) -> None:
    plan.audiences = check_choice_list("audiences", plan.audiences, Audience)
    if plan.pilot_id is None and plan.agreement_id is None:
        raise ValidationError(
            {"non_field_errors": ["A communication plan is for a pilot or for an agreement."]}
        )


def _article_country(article: KnowledgeArticle) -> str | None:
    """The country whose staff keep an article: its author organisation's (None: no author)."""
    author = article.author_organisation
    return author.country_id if author is not None else None


@transaction.atomic
def plan_create(*, actor: Any, title: str, owner: Organisation, **fields: Any) -> CommunicationPlan:
    """Write a communication plan for a pilot or an agreement (NSI staff only)."""
    require_nsi_staff(actor, country=owner.country_id)
    plan = CommunicationPlan(title=title, owner=owner)
    apply_fields(plan, fields, PLAN_FIELDS, save=False, check=_clean_plan)
    plan.save()
    record_create(actor=actor, action="plan.create", obj=plan)
    return plan


@transaction.atomic
def plan_update(
    *, plan: CommunicationPlan, actor: Any, data: Mapping[str, Any]
) -> CommunicationPlan:
    """Change a communication plan (NSI staff only)."""
    require_nsi_staff(actor, country=plan.owner.country_id)
    plan = CommunicationPlan.objects.select_for_update().get(pk=plan.pk)
    before, after = apply_fields(plan, data, PLAN_FIELDS, save=False, check=_clean_plan)
    plan.save()
    record_change(actor=actor, action="plan.update", obj=plan, before=before, after=after)
    return plan


def _clean_activity(activity: Activity) -> None:
    if activity.audience and activity.audience not in Audience.values:
        raise ValidationError(
            {
                "audience": [
                    f"Unknown audience {activity.audience!r}; allowed: {', '.join(Audience.values)}."
                ]
            }
        )
    if activity.ends_at and activity.ends_at < activity.starts_at:
        raise ValidationError({"ends_at": ["The activity ends before it starts."]})


@transaction.atomic
def activity_create(
    *, actor: Any, plan: CommunicationPlan, kind: str, title: str, starts_at: Any, **fields: Any
) -> Activity:
    """Add an activity (release, seminar, workshop, …) to a plan (NSI staff only)."""
    require_nsi_staff(actor, country=plan.owner.country_id)
    activity = Activity(plan=plan, kind=kind, title=title, starts_at=starts_at)
    if getattr(actor, "is_authenticated", False):
        activity.owner = actor
    apply_fields(activity, fields, ACTIVITY_FIELDS, save=False)
    _clean_activity(activity)
    activity.save()
    record_create(actor=actor, action="activity.create", obj=activity)
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, actor: Any, data: Mapping[str, Any]) -> Activity:
    """Change an activity, e.g. mark it done with its outcome figures (NSI staff only)."""
    require_nsi_staff(actor, country=activity.plan.owner.country_id)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    before, after = apply_fields(activity, data, ACTIVITY_FIELDS, save=False)
    _clean_activity(activity)
    activity.save()
    record_change(actor=actor, action="activity.update", obj=activity, before=before, after=after)
    return activity


def article_body_clean(body: str) -> str:
    """Sanitise rich text: keep safe formatting, drop scripts, handlers and dangerous URLs."""
    return nh3.clean(body or "")


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """A slug for `title` that no other article uses."""
    base = slugify(title)[:180] or "article"
    slug, n = base, 2
    others = KnowledgeArticle.objects.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _clean_article(article: KnowledgeArticle) -> None:
    article.tags = check_tags(article.tags)
    article.body = article_body_clean(article.body)


@transaction.atomic
def article_create(
    *, actor: Any, title: str, kind: str, slug: str = "", **fields: Any
) -> KnowledgeArticle:
    """Write a knowledge-base article as a draft; its body is sanitised (NSI staff only)."""
    require_nsi_staff(actor)
    article = KnowledgeArticle(title=title, kind=kind, slug=slug or unique_slug(title))
    fields = dict(fields)
    # The author's NSI gives a draft its country: only that country's staff see it.
    if fields.get("author_organisation") is None:
        fields["author_organisation"] = home_nsi(actor)
    if "body" in fields:
        fields["body"] = article_body_clean(fields["body"])
    if "tags" in fields:
        fields["tags"] = check_tags(fields["tags"])
    apply_fields(article, fields, ARTICLE_FIELDS, save=False)
    _clean_article(article)
    article.save()
    record_create(actor=actor, action="article.create", obj=article)
    return article


@transaction.atomic
def article_update(
    *, article: KnowledgeArticle, actor: Any, data: Mapping[str, Any]
) -> KnowledgeArticle:
    """Change an article; its body is sanitised again (NSI staff only)."""
    require_nsi_staff(actor, country=_article_country(article))
    article = KnowledgeArticle.objects.select_for_update().get(pk=article.pk)
    data = dict(data)
    if "body" in data:
        data["body"] = article_body_clean(data["body"])
    if "tags" in data:
        data["tags"] = check_tags(data["tags"])
    before, after = apply_fields(article, data, ARTICLE_FIELDS)
    record_change(actor=actor, action="article.update", obj=article, before=before, after=after)
    return article


@transaction.atomic
def article_publish(*, article: KnowledgeArticle, actor: Any) -> KnowledgeArticle:
    """Make an article readable by every signed-in user (NSI staff only)."""
    require_nsi_staff(actor, country=_article_country(article))
    article = KnowledgeArticle.objects.select_for_update().get(pk=article.pk)
    if not article.is_published:
        article.is_published, article.published_at = True, timezone.now()
        article.save(update_fields=["is_published", "published_at", "updated_at"])
        audit_record(
            actor=actor,
            action="article.publish",
            obj=article,
            before={"is_published": False},
            after={"is_published": True, "published_at": article.published_at},
        )
    return article


@transaction.atomic
def article_unpublish(*, article: KnowledgeArticle, actor: Any) -> KnowledgeArticle:
    """Take an article back to draft (NSI staff only)."""
    require_nsi_staff(actor, country=_article_country(article))
    article = KnowledgeArticle.objects.select_for_update().get(pk=article.pk)
    if article.is_published:
        article.is_published = False
        article.save(update_fields=["is_published", "updated_at"])
        audit_record(
            actor=actor,
            action="article.unpublish",
            obj=article,
            before={"is_published": True},
            after={"is_published": False},
        )
    return article
