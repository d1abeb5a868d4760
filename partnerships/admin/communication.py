"""Back-office for communication plans, activities and the knowledge base."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .. import services
from ..models import Activity, CommunicationPlan, KnowledgeArticle
from ..services.communication import ACTIVITY_FIELDS, ARTICLE_FIELDS, PLAN_FIELDS
from ..services.network import article_share
from .base import ServiceAdmin, ServiceInline, ServiceInlineFormSet, run_service_action
from .network import SHARING_READONLY, sharing_actions

ACTIVITY_INLINE_FIELDS = (
    "kind",
    "title",
    "starts_at",
    "location",
    "audience",
    "status",
    "attendees",
    "reach",
)


class ActivityFormSet(ServiceInlineFormSet):
    """Each activity row is added or changed by the activity services."""

    def apply(self, actor: Any) -> None:
        for f in self.live_forms():
            if f.instance.pk is None:
                services.activity_create(
                    actor=actor, plan=self.instance, **self.row(f, ACTIVITY_INLINE_FIELDS)
                )
            elif f.has_changed():
                services.activity_update(
                    activity=f.instance,
                    actor=actor,
                    data={k: f.cleaned_data[k] for k in f.changed_data if k in ACTIVITY_FIELDS},
                )


class ActivityInline(ServiceInline):
    model = Activity
    formset = ActivityFormSet
    fields = ACTIVITY_INLINE_FIELDS
    extra = 0
    # Activities are cancelled (status), not deleted: there is no removal service.
    can_delete = False
    show_change_link = True


@admin.register(CommunicationPlan)
class CommunicationPlanAdmin(ServiceAdmin):
    list_display = ("title", "pilot", "agreement", "owner")
    list_filter = ("owner__country", "owner", "pilot")
    search_fields = ("title", "objectives", "key_messages")
    list_select_related = ("pilot", "agreement", "owner")
    autocomplete_fields = ("owner", "agreement")
    inlines = (ActivityInline,)
    create_service = staticmethod(services.plan_create)
    update_service = staticmethod(services.plan_update)
    object_kw = "plan"
    service_fields = PLAN_FIELDS


@admin.register(Activity)
class ActivityAdmin(ServiceAdmin):
    list_display = ("title", "kind", "starts_at", "status", "plan", "attendees", "reach")
    list_filter = ("plan__owner__country", "kind", "status", "plan")
    search_fields = ("title", "location", "outcome")
    list_select_related = ("plan",)
    date_hierarchy = "starts_at"
    readonly_fields = ("owner",)
    create_service = staticmethod(services.activity_create)
    update_service = staticmethod(services.activity_update)
    object_kw = "activity"
    service_fields = ("plan", *[f for f in ACTIVITY_FIELDS if f != "owner"])
    create_only_fields = ("plan",)


@admin.action(description="Publish selected articles")
def publish_articles(modeladmin: admin.ModelAdmin, request: Any, queryset: Any) -> None:
    run_service_action(
        modeladmin,
        request,
        queryset,
        lambda a: services.article_publish(article=a, actor=request.user),
        "Published",
    )


@admin.action(description="Take selected articles back to draft")
def unpublish_articles(modeladmin: admin.ModelAdmin, request: Any, queryset: Any) -> None:
    run_service_action(
        modeladmin,
        request,
        queryset,
        lambda a: services.article_unpublish(article=a, actor=request.user),
        "Unpublished",
    )


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(ServiceAdmin):
    list_display = (
        "title",
        "kind",
        "is_published",
        "published_at",
        "shared_with_network",
        "author_organisation",
    )
    list_filter = ("author_organisation__country", "kind", "is_published", "shared_with_network")
    search_fields = ("title", "summary", "body", "slug")
    list_select_related = ("author_organisation",)
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("is_published", "published_at", *SHARING_READONLY)
    actions = [
        publish_articles,
        unpublish_articles,
        *sharing_actions(article_share, "article", "entries"),
    ]
    create_service = staticmethod(services.article_create)
    update_service = staticmethod(services.article_update)
    object_kw = "article"
    service_fields = ARTICLE_FIELDS
