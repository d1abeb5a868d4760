"""The evidence-use log: city staff record that a published figure informed a decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from ddms_platform.core.audit import audit_record, snapshot
from ddms_platform.core.errors import DomainError
from ddms_platform.core.permissions import ACTING_ROLES, require_member
from partnerships.models import Pilot, Policy
from partnerships.services.agreements import _digest

from ..models import EvidenceKind, EvidenceUse, ReleasedObservation
from ..selectors.publications import current_publication_ids, publications_released

EVIDENCE_FIELDS = (
    "pilot_id",
    "policy_id",
    "kind",
    "title",
    "decided_on",
    "decision_body",
    "url",
    "document_sha256",
    "released_observation_id",
    "publication_id",
    "lineage_sha256",
    "public",
)


@transaction.atomic
def evidence_record(
    *,
    actor: Any,
    pilot: Pilot,
    released_observation: ReleasedObservation,
    kind: str,
    title: str,
    decided_on: dt.date,
    decision_body: str,
    policy: Policy | None = None,
    url: str = "",
    document: UploadedFile | None = None,
    public: bool = False,
) -> EvidenceUse:
    """Log one decision the figure informed; only the pilot's local government records."""
    require_member(actor, pilot.local_government_id, roles=ACTING_ROLES)
    if kind not in EvidenceKind.values:
        raise DomainError(f"Unknown kind of decision {kind!r}.", code="invalid_kind", field="kind")
    if not (title or "").strip():
        raise DomainError("A decision needs a title.", code="required", field="title")
    if not (decision_body or "").strip():
        raise DomainError("Name the body that decided.", code="required", field="decision_body")
    if policy is not None and policy.pilot_id != pilot.pk:
        raise DomainError("The policy belongs to another pilot.", code="invalid", field="policy")
    # Only a figure the public could see can have informed a public decision.
    if not publications_released().filter(pk=released_observation.publication_id).exists():
        raise DomainError("The figure is not published.", code="not_published", field="figure")
    if released_observation.value is None:
        raise DomainError("A suppressed cell has no figure to cite.", code="suppressed")
    sha = ""
    if document is not None:
        sha, _size = _digest(document, settings.DDMS_MAX_DOCUMENT_BYTES)
    submission = released_observation.submission
    evidence = EvidenceUse(
        pilot=pilot,
        policy=policy,
        kind=kind,
        title=title.strip(),
        decided_on=decided_on,
        decision_body=decision_body.strip(),
        url=url,
        released_observation=released_observation,
        publication_id=released_observation.publication_id,
        indicator_id=released_observation.indicator_id,
        territory_code=released_observation.territory_code,
        period=released_observation.period,
        dims_key=released_observation.dims_key,
        value=released_observation.value,
        lineage_sha256=submission.sha256 if submission is not None else "",
        public=public,
        recorded_by=actor if actor.is_authenticated else None,
    )
    if document is not None:
        evidence.document_name = (document.name or "document")[:255]
        evidence.document_sha256 = sha
        evidence.document.save(document.name or "document", document, save=False)
    evidence.save()
    audit_record(
        actor=actor,
        action="evidence.record",
        obj=evidence,
        after=snapshot(evidence, EVIDENCE_FIELDS),
    )
    return evidence


def evidence_figure(
    *,
    indicator_code: str,
    territory_code: str,
    period: str,
    dims_key: str = "",
    country: str | None = None,
) -> ReleasedObservation | None:
    """The current public cell a record may cite (latest released version of its series);
    codes are unique per NSI, so `country` names whose indicator is meant."""
    scope = {} if country is None else {"indicator__owner__country_id": country}
    return (
        ReleasedObservation.objects.filter(
            **scope,
            publication_id__in=current_publication_ids(),
            indicator_code=indicator_code,
            territory_code=territory_code,
            period=period,
            dims_key=dims_key,
        )
        .select_related("submission")
        .first()
    )
