"""Indicator reference metadata: the SDG metadata template's main sections, with the ESS SIMS
concept each one overlaps, in three languages; edited by NSI staff through one service.

Exported as a documented JSON structure (docs/sdmx.md) — pysdmx writes SDMX-JSON reference
metadata but holds one language per text, so the three-language report is ours.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ddms_platform.core.audit import audit_record
from ddms_platform.core.errors import DomainError
from ddms_platform.core.permissions import require_nsi_staff

from ..models import Indicator, IndicatorMetadata
from .codes import LANGUAGES


class Concept(NamedTuple):
    id: str
    sdg: str  # SDG metadata template 2.0 section
    sims: str  # ESS SIMS 2.0 concept
    label: Any


CONCEPTS: list[Concept] = [
    Concept("CONTACT_ORGANISATION", "1.a", "S.1.1", _("Contact organisation")),
    Concept("CONTACT_DETAILS", "1.b", "S.1.4", _("Contact details")),
    Concept("DEFINITION", "2.a", "S.3.4", _("Definition and concepts")),
    Concept("UNIT_DESCRIPTION", "2.b", "S.5", _("Unit of measure")),
    Concept("CLASSIFICATIONS", "2.c", "S.3.2", _("Classifications")),
    Concept("SOURCE_TYPE", "3.a", "S.18.1", _("Data sources")),
    Concept("COLL_METHOD", "3.b", "S.18.3", _("Data collection method")),
    Concept("RELEASE_POLICY", "3.d", "S.8.1", _("Release policy and calendar")),
    Concept("RATIONALE", "4.a", "S.12.1", _("Rationale and relevance")),
    Concept("LIMITATIONS", "4.b", "S.13.1", _("Comments and limitations")),
    Concept("COMPUTATION", "4.c", "S.20.4", _("Method of computation")),
    Concept("QUALITY_MGMNT", "4.j", "S.11.1", _("Quality management")),
    Concept("ACCURACY", "4.k", "S.13.1", _("Accuracy and reliability")),
    Concept("COMPARABILITY", "4.l", "S.15.1", _("Comparability")),
    Concept("REVISION", "4.m", "S.17.1", _("Data revision")),
    Concept("COVERAGE", "5", "S.3.7", _("Data availability and coverage")),
    Concept("REFERENCES", "7", "S.10.4", _("References and documentation")),
]
CONCEPT_IDS = {c.id for c in CONCEPTS}
LANG_KEYS = set(LANGUAGES.values())  # en, sr-Latn, sr-Cyrl


def metadata_content(indicator: Indicator) -> dict[str, dict[str, str]]:
    """The stored texts: concept id → {language tag → text}."""
    row = IndicatorMetadata.objects.filter(indicator=indicator).first()
    return dict(row.content) if row else {}


def metadata_sections(indicator: Indicator, lang: str) -> list[dict[str, Any]]:
    """The filled sections in the reader's language (English where a translation is missing)."""
    content = metadata_content(indicator)
    out = []
    for concept in CONCEPTS:
        texts = content.get(concept.id) or {}
        text = texts.get(lang) or texts.get("en") or ""
        if text:
            out.append({"id": concept.id, "label": str(concept.label), "text": text})
    return out


def metadata_report(indicator: Indicator) -> dict[str, Any]:
    """The documented JSON export: every concept with its SDG and SIMS ids and three texts."""
    content = metadata_content(indicator)
    return {
        "indicator": indicator.code,
        "template": "SDG metadata template 2.0 / ESS SIMS 2.0",
        "languages": sorted(LANG_KEYS),
        "concepts": [
            {
                "id": c.id,
                "sdg_section": c.sdg,
                "sims": c.sims,
                "name": str(c.label),
                "value": content.get(c.id) or {},
            }
            for c in CONCEPTS
        ],
    }


@transaction.atomic
def indicator_metadata_update(
    *, actor: Any, indicator: Indicator, content: dict[str, Any]
) -> IndicatorMetadata:
    """Set some concepts' texts (a concept given as {} is cleared); NSI staff only."""
    require_nsi_staff(actor)
    if not isinstance(content, dict):
        raise DomainError("Metadata must map concept ids to {language: text}.", field="content")
    unknown = sorted(set(content) - CONCEPT_IDS)
    if unknown:
        raise DomainError(
            f"Unknown metadata concept {', '.join(unknown)}.",
            code="unknown_concept",
            unknown=unknown,
            allowed=sorted(CONCEPT_IDS),
        )
    for concept_id, texts in content.items():
        if not isinstance(texts, dict) or set(texts) - LANG_KEYS:
            raise DomainError(
                f"{concept_id} must map languages ({', '.join(sorted(LANG_KEYS))}) to text.",
                field=concept_id,
            )
        bad = [lang for lang, text in texts.items() if not isinstance(text, str)]
        if bad:
            raise DomainError(
                f"{concept_id}: the {', '.join(bad)} text is not a string.", field=concept_id
            )
    row, _created = IndicatorMetadata.objects.select_for_update().get_or_create(indicator=indicator)
    before = dict(row.content)
    merged = dict(row.content)
    for concept_id, texts in content.items():
        kept = {lang: text.strip() for lang, text in texts.items() if text.strip()}
        if kept:
            merged[concept_id] = kept
        else:
            merged.pop(concept_id, None)
    row.content = merged
    row.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    row.save()
    audit_record(
        actor=actor, action="indicator.metadata_update", obj=indicator, before=before, after=merged
    )
    return row
