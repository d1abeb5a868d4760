"""Sharing case studies and knowledge-base entries with the network, and the coordinator's
curation of the shared knowledge base (docs/network.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ddms_platform.core.errors import DomainError, NotPermitted
from ddms_platform.core.permissions import (
    is_acting_network_coordinator,
    is_admin,
    network_org_ids,
    require_network_coordinator,
    require_nsi_staff,
)
from ddms_platform.core.sharing import network_share_set

from ..choices import OrganisationKind, RequestDirection, RequestFrequency
from ..models import CaseStudy, DataRequest, KnowledgeArticle, Organisation, Pilot
from ..selectors import case_study_list
from ..selectors_network import own_article_list
from ._common import apply_fields, check_tags, record_change, record_create
from .communication import article_body_clean, unique_slug
from .requests import check_dialect, check_table_schema

# What the coordinator may change on an entry another NSI wrote (its wording stays the NSI's).
CURATED_FIELDS = ("tags",)
# What the coordinator may change on the network's own entries.
NETWORK_ARTICLE_FIELDS = ("title", "kind", "summary", "body", "tags")


@transaction.atomic
def case_study_share(*, case_study: CaseStudy, actor: Any, shared: bool = True) -> CaseStudy:
    """Share a case study with the network, or take it back (staff of its NSI only)."""
    require_nsi_staff(actor)
    if not case_study_list(actor).filter(pk=case_study.pk).exists():
        raise NotPermitted(_("You may share only your own country's case studies."))
    locked = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
    network_share_set(obj=locked, actor=actor, shared=shared, action="case_study")
    return locked


def _is_network_article(article: KnowledgeArticle) -> bool:
    org = article.author_organisation
    return org is not None and org.kind == OrganisationKind.NETWORK


@transaction.atomic
def article_share(
    *, article: KnowledgeArticle, actor: Any, shared: bool = True
) -> KnowledgeArticle:
    """Share a published knowledge-base entry with the network, or withdraw it.

    Staff of the NSI that wrote it share and withdraw; the network coordinator curates the
    shared knowledge base and may withdraw any shared entry.
    """
    locked = KnowledgeArticle.objects.select_for_update().get(pk=article.pk)
    curator = is_admin(actor) or is_acting_network_coordinator(actor)
    if not (curator and not shared):
        require_nsi_staff(actor)
        if not own_article_list(actor).filter(pk=locked.pk).exists():
            raise NotPermitted(_("You may share only your own country's entries."))
    if shared and not locked.is_published:
        raise DomainError(
            _("Publish the entry before sharing it with the network."),
            code="not_published",
        )
    network_share_set(obj=locked, actor=actor, shared=shared, action="article")
    return locked


def _network_org(actor: Any) -> Organisation:
    """The network organisation the entry is written for (an admin: the first one)."""
    ids = sorted(network_org_ids(actor))
    found = (
        Organisation.objects.filter(pk=ids[0]).first()
        if ids
        else Organisation.objects.filter(kind=OrganisationKind.NETWORK).order_by("pk").first()
        if is_admin(actor)
        else None
    )
    if found is None:
        raise NotPermitted(_("Only the network coordinator may do this."))
    return found


@transaction.atomic
def network_article_create(
    *, actor: Any, title: str, kind: str, summary: str = "", body: str = "", tags: Any = ()
) -> KnowledgeArticle:
    """Write an entry of the network itself: published and shared at once (coordinator)."""
    require_network_coordinator(actor)
    now = timezone.now()
    article = KnowledgeArticle(
        title=title,
        slug=unique_slug(title),
        kind=kind,
        summary=summary,
        body=article_body_clean(body),
        tags=check_tags(list(tags)),
        author_organisation=_network_org(actor),
        is_published=True,
        published_at=now,
        shared_with_network=True,
        shared_at=now,
        shared_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    article.full_clean()
    article.save()
    record_create(actor=actor, action="article.create", obj=article)
    return article


@transaction.atomic
def network_article_curate(
    *, article: KnowledgeArticle, actor: Any, data: Mapping[str, Any]
) -> KnowledgeArticle:
    """The coordinator's edit of a shared entry: tags on any, everything on the network's own."""
    require_network_coordinator(actor)
    locked = (
        KnowledgeArticle.objects.select_related("author_organisation")
        .select_for_update(of=("self",))
        .get(pk=article.pk)
    )
    if not locked.shared_with_network:
        raise NotPermitted(_("Only entries shared with the network are curated."))
    allowed = NETWORK_ARTICLE_FIELDS if _is_network_article(locked) else CURATED_FIELDS
    data = dict(data)
    if "body" in data:
        data["body"] = article_body_clean(data["body"])
    if "tags" in data:
        data["tags"] = check_tags(data["tags"])
    before, after = apply_fields(locked, data, allowed)
    record_change(actor=actor, action="article.curate", obj=locked, before=before, after=after)
    return locked


@transaction.atomic
def request_draft_from_template(
    *,
    actor: Any,
    pilot: Pilot,
    title: str,
    purpose: str,
    table_schema: dict[str, Any],
    dialect: dict[str, Any] | None = None,
    legal_basis: str = "",
    frequency: str = RequestFrequency.ONE_OFF,
) -> DataRequest:
    """A draft acquisition request of the pilot's NSI from a request template (replication
    kit): not under an agreement yet, so it cannot be sent before one is attached and its
    provider chosen; until then the pilot's local government stands as provider."""
    require_nsi_staff(actor, country=pilot.country_id)
    check_table_schema(table_schema)
    check_dialect(dialect)
    if frequency not in RequestFrequency.values:
        raise DomainError(
            _("Unknown frequency %(value)s.") % {"value": repr(frequency)},
            code="invalid",
            fields={"frequency": [_("unknown frequency")]},
        )
    request = DataRequest.objects.create(
        direction=RequestDirection.ACQUISITION,
        title=title,
        purpose=purpose,
        legal_basis=legal_basis,
        requester=pilot.nsi,
        provider=pilot.local_government,
        pilot=pilot,
        table_schema=table_schema,
        dialect=dialect or {},
        frequency=frequency,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_create(actor=actor, action="data_request.create", obj=request)
    return request
