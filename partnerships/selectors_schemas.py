"""Reads of the schema library."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from ddms_platform.core.permissions import is_nsi_staff, scope_to_orgs

from .models import SchemaTemplate


def schema_templates_visible(user: Any) -> QuerySet[SchemaTemplate]:
    """Templates of the user's own NSI offices, and those shared with the network (NSI staff)."""
    qs = SchemaTemplate.objects.select_related("owner")
    if not is_nsi_staff(user):
        return qs.none()
    own = scope_to_orgs(SchemaTemplate.objects.all(), user, "owner")
    return qs.filter(Q(pk__in=own.values("pk")) | Q(shared_with_network=True))
