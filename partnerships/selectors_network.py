"""What the network reads across countries: shared case studies and knowledge-base entries,
and anonymised fulfilment figures per country (docs/network.md)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from ddms_platform.core.permissions import is_network_reader, scope_to_countries

from .choices import RequestDirection, RequestState
from .models import CaseStudy, DataRequest, KnowledgeArticle
from .models.requests import OPEN_REQUEST_STATES
from .selectors import article_list, case_study_list

# Requests the provider has answered with data the NSI took.
FULFILLED_STATES = (RequestState.ACCEPTED, RequestState.CLOSED)


def shared_case_study_list(user: Any) -> QuerySet[CaseStudy]:
    """Case studies shared with the network, from every country, for NSI staff and the
    coordinator; none for anyone else."""
    if not is_network_reader(user):
        return CaseStudy.objects.none()
    return (
        CaseStudy.objects.filter(shared_with_network=True)
        .select_related("agreement__nsi__country")
        .prefetch_related("objectives")
        .order_by("-shared_at", "-id")
    )


def shared_article_list(user: Any) -> QuerySet[KnowledgeArticle]:
    """The shared knowledge base: published entries shared with the network (NSI staff and
    the coordinator)."""
    if not is_network_reader(user):
        return KnowledgeArticle.objects.none()
    return (
        KnowledgeArticle.objects.filter(shared_with_network=True, is_published=True)
        .select_related("author_organisation__country")
        .order_by("-shared_at", "-id")
    )


def shareable_case_study_list(user: Any) -> QuerySet[CaseStudy]:
    """The user's own country's case studies, which it may share or take back."""
    return case_study_list(user).select_related("agreement__nsi")


def own_article_list(user: Any) -> QuerySet[KnowledgeArticle]:
    """Entries written by an organisation of the user's own countries (drafts included)."""
    return scope_to_countries(article_list(user), user, "author_organisation__country")


def shareable_article_list(user: Any) -> QuerySet[KnowledgeArticle]:
    """The user's own country's published entries, which it may share or withdraw."""
    return own_article_list(user).filter(is_published=True)


def fulfilment_by_country(user: Any) -> list[dict[str, Any]]:
    """Per country, how data requests fare: counts only, no organisation, title or file.

    One aggregate query; the coordinator and NSI staff read it (anyone else gets nothing).
    """
    if not is_network_reader(user):
        return []
    today = timezone.localdate()
    rows = (
        DataRequest.objects.filter(direction=RequestDirection.ACQUISITION)
        .exclude(state=RequestState.DRAFT)
        .values(country=F("requester__country__code"), country_name=F("requester__country__name"))
        .annotate(
            sent=Count("id"),
            fulfilled=Count("id", filter=Q(state__in=FULFILLED_STATES)),
            declined=Count("id", filter=Q(state=RequestState.DECLINED)),
            open=Count("id", filter=Q(state__in=OPEN_REQUEST_STATES)),
            overdue=Count("id", filter=Q(state__in=OPEN_REQUEST_STATES, due_on__lt=today)),
            on_time=Count(
                "id",
                filter=Q(state__in=FULFILLED_STATES, due_on__isnull=False)
                & Q(accepted_at__date__lte=F("due_on")),
            ),
        )
        .order_by("country")
    )
    return [
        {
            **row,
            "fulfilment_rate": round(row["fulfilled"] / row["sent"], 3) if row["sent"] else None,
        }
        for row in rows
    ]
