"""Services for partnership agreements: lifecycle, parties, documents and case studies."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ddms_platform.core.audit import audit_record, snapshot
from ddms_platform.core.errors import DomainError
from ddms_platform.core.permissions import NSI_KINDS, require_nsi_staff
from ddms_platform.core.statemachine import StateMachine
from ddms_platform.notify.services import outbox_record

from ..choices import AgreementState, ArticleKind, Domain, ObjectiveStatus, Resource
from ..models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    CaseObjective,
    CaseStudy,
    KnowledgeArticle,
    Organisation,
)
from ._common import (
    apply_fields,
    check_choice_list,
    record_change,
    record_create,
    replace_children,
)
from ._sniff import sniff_content_type

S = AgreementState
AGREEMENT_LIFECYCLE = StateMachine(
    "agreement",
    {
        S.DRAFT: frozenset({S.NEGOTIATION, S.TERMINATED}),
        S.NEGOTIATION: frozenset({S.SIGNED, S.DRAFT, S.TERMINATED}),
        S.SIGNED: frozenset({S.ACTIVE, S.TERMINATED}),
        S.ACTIVE: frozenset({S.SUSPENDED, S.EXPIRED, S.TERMINATED}),
        S.SUSPENDED: frozenset({S.ACTIVE, S.TERMINATED}),
        S.EXPIRED: frozenset(),
        S.TERMINATED: frozenset(),
    },
)
AGREEMENT_FIELDS = (
    "reference",
    "title",
    "nsi",
    "type",
    "domains",
    "goals",
    "nsi_resources",
    "signed_on",
    "starts_on",
    "ends_on",
    "renewal_notice_days",
)


class DocumentTooLarge(DomainError):
    """The upload is bigger than DDMS_MAX_DOCUMENT_BYTES."""

    status_code = 413
    code = "file_too_large"


class DocumentTypeNotAllowed(DomainError):
    """The upload's bytes are not one of the allowed document types."""

    status_code = 415
    code = "unsupported_media_type"


def _clean_agreement(agreement: Agreement) -> None:
    agreement.domains = check_choice_list("domains", agreement.domains, Domain)
    agreement.nsi_resources = check_choice_list("nsi_resources", agreement.nsi_resources, Resource)
    if agreement.nsi.kind not in NSI_KINDS:
        raise ValidationError({"nsi": ["Must be the NSI or one of its regional offices."]})
    if agreement.starts_on and agreement.ends_on and agreement.ends_on < agreement.starts_on:
        raise ValidationError({"ends_on": ["The end date is before the start date."]})


def parties_check(*, nsi_id: int | None, parties: Sequence[Mapping[str, Any]]) -> None:
    """The parties' rules (no organisation twice, the NSI not its own partner, known
    resources), for the service and for forms that show them before saving (admin inlines)."""
    _party_rows(Agreement(nsi_id=nsi_id), parties)  # type: ignore[misc]


def _party_rows(agreement: Agreement, parties: Sequence[Mapping[str, Any]]) -> list[AgreementParty]:
    seen: set[int] = set()
    rows = []
    for index, party in enumerate(parties):
        org: Organisation = party["organisation"]
        if org.pk in seen:
            raise ValidationError({"parties": [f"Item {index}: organisation {org.pk} twice."]})
        if org.pk == agreement.nsi_id:
            raise ValidationError({"parties": [f"Item {index}: the NSI is not its own partner."]})
        seen.add(org.pk)
        try:
            resources = check_choice_list("resources", party.get("resources", []), Resource)
        except ValidationError as exc:
            raise ValidationError(
                {"parties": [f"Item {index}: {m}" for m in exc.message_dict["resources"]]}
            ) from None
        rows.append(
            AgreementParty(
                agreement=agreement,
                organisation=org,
                resources=resources,
                contribution=party.get("contribution", ""),
            )
        )
    return rows


def _set_parties(
    agreement: Agreement, parties: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Replace the agreement's parties; returns their description for the audit entry."""
    rows = _party_rows(agreement, parties)
    agreement.party_links.all().delete()
    AgreementParty.objects.bulk_create(rows)
    return [
        {
            "organisation": r.organisation_id,
            "resources": r.resources,
            "contribution": r.contribution,
        }
        for r in rows
    ]


def _party_snapshot(agreement: Agreement) -> list[dict[str, Any]]:
    return [
        {
            "organisation": p.organisation_id,
            "resources": p.resources,
            "contribution": p.contribution,
        }
        for p in agreement.party_links.order_by("id")
    ]


@transaction.atomic
def agreement_create(
    *,
    actor: Any,
    reference: str,
    title: str,
    nsi: Organisation,
    type: str,
    parties: Sequence[Mapping[str, Any]] = (),
    **fields: Any,
) -> Agreement:
    """Register a draft agreement with its parties (NSI staff only)."""
    require_nsi_staff(actor, country=nsi.country_id)
    if "state" in fields:
        raise ValidationError({"state": ["A new agreement starts as a draft."]})
    agreement = Agreement(
        reference=reference,
        title=title,
        nsi=nsi,
        type=type,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    apply_fields(agreement, fields, AGREEMENT_FIELDS, save=False)
    _clean_agreement(agreement)
    agreement.save()
    party_rows = _set_parties(agreement, parties)
    audit_record(
        actor=actor,
        action="agreement.create",
        obj=agreement,
        after={**snapshot(agreement), "parties": party_rows},
    )
    return agreement


@transaction.atomic
def agreement_update(
    *,
    agreement: Agreement,
    actor: Any,
    data: Mapping[str, Any],
    parties: Sequence[Mapping[str, Any]] | None = None,
) -> Agreement:
    """Change an agreement's terms and, when given, its parties; the state changes by transition."""
    require_nsi_staff(actor, country=agreement.nsi.country_id)
    if "state" in data:
        raise ValidationError({"state": ["Use a transition to change the state."]})
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    before, after = apply_fields(agreement, data, AGREEMENT_FIELDS, save=False)
    _clean_agreement(agreement)
    agreement.save()
    if parties is not None:
        replace_children(
            before,
            after,
            "parties",
            old=_party_snapshot(agreement),
            replace=lambda: _set_parties(agreement, parties),
        )
    record_change(actor=actor, action="agreement.update", obj=agreement, before=before, after=after)
    return agreement


@transaction.atomic
def agreement_transition(*, agreement: Agreement, target: str, actor: Any) -> Agreement:
    """Move an agreement along its lifecycle; illegal moves raise and change nothing."""
    require_nsi_staff(actor, country=agreement.nsi.country_id)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    current = agreement.state
    AGREEMENT_LIFECYCLE.check(current, target)
    if target == S.SIGNED and not agreement.party_links.exists():
        raise DomainError(
            "An agreement needs at least one partner organisation to be signed.",
            code="no_parties",
        )
    tracked = ("state", "signed_on", "starts_on")
    before = snapshot(agreement, tracked)
    agreement.state = target
    today = timezone.localdate()
    if target == S.SIGNED and agreement.signed_on is None:
        agreement.signed_on = today
    if target == S.ACTIVE and agreement.starts_on is None:
        agreement.starts_on = today
    agreement.save(update_fields=[*tracked, "updated_at"])
    after = snapshot(agreement, tracked)
    audit_record(
        actor=actor,
        action=f"agreement.transition.{target}",
        obj=agreement,
        before=before,
        after=after,
    )
    outbox_record(
        kind="agreement.transitioned",
        obj=agreement,
        payload={"agreement": agreement.pk, "from": current, "to": target},
    )
    return agreement


def allowed_transitions(agreement: Agreement) -> list[str]:
    """The states an agreement may move to from where it is."""
    return AGREEMENT_LIFECYCLE.allowed(agreement.state)


def _digest(upload: UploadedFile, limit: int) -> tuple[str, int]:
    # Streamed in chunks: a large file is never read into memory at once.
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    for chunk in upload.chunks():
        size += len(chunk)
        if size > limit:
            raise DocumentTooLarge(
                f"The document is larger than the limit of {limit} bytes.", limit=limit
            )
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest(), size


@transaction.atomic
def agreement_document_add(
    *, agreement: Agreement, title: str, upload: UploadedFile, actor: Any
) -> AgreementDocument:
    """Store a new immutable version of an agreement document, checked for size and type."""
    require_nsi_staff(actor, country=agreement.nsi.country_id)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": ["A document needs a title."]})
    limit = settings.DDMS_MAX_DOCUMENT_BYTES
    if upload.size is not None and upload.size > limit:
        raise DocumentTooLarge(
            f"The document is {upload.size} bytes; the limit is {limit} bytes.", limit=limit
        )
    # Only the last path element: a name is never allowed to pick a folder.
    name = PurePath((upload.name or "").replace("\\", "/")).name or "document"
    detected = sniff_content_type(upload, name)
    allowed = list(settings.DDMS_DOCUMENT_CONTENT_TYPES)
    if detected is None or detected not in allowed:
        raise DocumentTypeNotAllowed(
            f"'{name}' is not an allowed document type"
            + (f" (its content is {detected})" if detected else "")
            + f". Allowed: {', '.join(allowed)}.",
            allowed=allowed,
        )
    sha256, size = _digest(upload, limit)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    latest = agreement.documents.filter(title=title).aggregate(v=Max("version"))["v"] or 0
    document = AgreementDocument(
        agreement=agreement,
        title=title,
        version=latest + 1,
        original_name=name[:255],
        content_type=detected,
        size=size,
        sha256=sha256,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    document.file.save(name, upload, save=False)
    try:
        document.save()
        audit_record(
            actor=actor,
            action="agreement.document_add",
            obj=agreement,
            after={
                "document": document.pk,
                "title": title,
                "version": document.version,
                "sha256": sha256,
                "size": size,
                "content_type": detected,
            },
        )
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


CASE_STUDY_FIELDS = ("title", "narrative", "still_to_achieve")
OBJECTIVE_FIELDS = ("objective", "planned_outcome", "achieved_outcome", "status", "position")


def _set_objectives(case_study: CaseStudy, objectives: Sequence[Mapping[str, Any]]) -> list[Any]:
    rows = []
    links: list[list[Any]] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(objectives):
        # The same objective twice splits its evidence and its status in two.
        text = " ".join(str(item.get("objective", "")).split()).casefold()
        if text and text in seen:
            raise ValidationError(
                {"objectives": [f"Item {index}: the same objective as item {seen[text]}."]}
            )
        seen.setdefault(text, index)
        status = item.get("status", ObjectiveStatus.NOT_YET)
        if status not in ObjectiveStatus.values:
            raise ValidationError({"objectives": [f"Item {index}: unknown status {status!r}."]})
        if not str(item.get("objective", "")).strip():
            raise ValidationError({"objectives": [f"Item {index}: the objective is empty."]})
        deliverables = list(item.get("deliverables") or [])
        foreign = [
            d for d in deliverables if getattr(d, "agreement_id", None) != case_study.agreement_id
        ]
        if foreign:
            raise ValidationError(
                {"objectives": [f"Item {index}: a deliverable of another agreement."]}
            )
        codes = item.get("indicator_codes") or []
        if not isinstance(codes, list) or not all(isinstance(c, str) and c for c in codes):
            raise ValidationError(
                {"objectives": [f"Item {index}: indicator_codes must be a list of codes."]}
            )
        rows.append(
            CaseObjective(
                case_study=case_study,
                objective=item["objective"],
                planned_outcome=item.get("planned_outcome", ""),
                achieved_outcome=item.get("achieved_outcome", ""),
                status=status,
                position=item.get("position", index),
                indicator_codes=list(dict.fromkeys(codes)),
            )
        )
        links.append(deliverables)
    case_study.objectives.all().delete()
    CaseObjective.objects.bulk_create(rows)
    for row, deliverables in zip(rows, links, strict=True):
        if deliverables:
            row.deliverables.set(deliverables)
    return [_objective_snapshot(r, links[i]) for i, r in enumerate(rows)]


def _objective_snapshot(objective: CaseObjective, deliverables: Sequence[Any]) -> dict[str, Any]:
    described = snapshot(objective, OBJECTIVE_FIELDS)
    if objective.indicator_codes:
        described["indicator_codes"] = objective.indicator_codes
    if deliverables:
        described["deliverables"] = sorted(d.pk for d in deliverables)
    return described


@transaction.atomic
def case_study_create(
    *,
    actor: Any,
    agreement: Agreement,
    title: str,
    objectives: Sequence[Mapping[str, Any]] = (),
    **fields: Any,
) -> CaseStudy:
    """Write the lessons learned of an agreement with its objectives (NSI staff only)."""
    require_nsi_staff(actor, country=agreement.nsi.country_id)
    case_study = CaseStudy(agreement=agreement, title=title)
    apply_fields(case_study, fields, CASE_STUDY_FIELDS, save=False)
    case_study.save()
    rows = _set_objectives(case_study, objectives)
    audit_record(
        actor=actor,
        action="case_study.create",
        obj=case_study,
        after={**snapshot(case_study), "objectives": rows},
    )
    return case_study


@transaction.atomic
def case_study_update(
    *,
    case_study: CaseStudy,
    actor: Any,
    data: Mapping[str, Any],
    objectives: Sequence[Mapping[str, Any]] | None = None,
) -> CaseStudy:
    """Change a case study and, when given, replace its objectives (NSI staff only)."""
    require_nsi_staff(actor, country=case_study.agreement.nsi.country_id)
    case_study = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
    before, after = apply_fields(case_study, data, CASE_STUDY_FIELDS)
    if objectives is not None:
        replace_children(
            before,
            after,
            "objectives",
            old=[
                _objective_snapshot(o, list(o.deliverables.all()))
                for o in case_study.objectives.all()
            ],
            replace=lambda: _set_objectives(case_study, objectives),
        )
    record_change(
        actor=actor, action="case_study.update", obj=case_study, before=before, after=after
    )
    return case_study


@transaction.atomic
def case_study_publish(*, case_study: CaseStudy, actor: Any) -> KnowledgeArticle:
    """Share a case study with other NSIs as a published knowledge-base entry."""
    from .communication import article_body_clean, unique_slug

    require_nsi_staff(actor, country=case_study.agreement.nsi.country_id)
    case_study = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
    now = timezone.now()
    article = case_study.articles.filter(kind=ArticleKind.CASE_STUDY).first()
    body = article_body_clean(
        "<p>" + "</p><p>".join(_escape_lines(case_study.narrative)) + "</p>"
        if case_study.narrative
        else ""
    )
    if article is None:
        article = KnowledgeArticle.objects.create(
            title=case_study.title,
            slug=unique_slug(case_study.title),
            kind=ArticleKind.CASE_STUDY,
            summary=case_study.still_to_achieve,
            body=body,
            author_organisation=case_study.agreement.nsi,
            case_study=case_study,
            is_published=True,
            published_at=now,
        )
        record_create(actor=actor, action="article.create", obj=article)
    elif not article.is_published:
        article.is_published, article.published_at = True, now
        article.save(update_fields=["is_published", "published_at", "updated_at"])
        audit_record(
            actor=actor, action="article.publish", obj=article, after={"is_published": True}
        )
    if not case_study.is_published:
        case_study.is_published, case_study.published_at = True, now
        case_study.save(update_fields=["is_published", "published_at", "updated_at"])
        audit_record(
            actor=actor,
            action="case_study.publish",
            obj=case_study,
            before={"is_published": False},
            after={"is_published": True, "article": article.pk},
        )
    return article


def _escape_lines(text: str) -> list[str]:
    from django.utils.html import escape

    return [escape(line) for line in text.splitlines() if line.strip()]
