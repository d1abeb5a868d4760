"""Who sees which evidence-use record: public ones everyone, the rest the pilot's organisations."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ddms_platform.core.permissions import scope_to_orgs

from ..models import EvidenceUse

PILOT_ORG_PATHS = ("pilot__nsi", "pilot__local_government", "pilot__partners")


def evidence_visible(*, user: Any) -> QuerySet[EvidenceUse]:
    """Public records, and every record of a pilot the user's organisations take part in."""
    qs = EvidenceUse.objects.all()
    mine = scope_to_orgs(qs, user, *PILOT_ORG_PATHS)
    return (qs.filter(public=True) | qs.filter(pk__in=mine.values("pk"))).select_related(
        "pilot", "policy", "indicator", "publication"
    )
