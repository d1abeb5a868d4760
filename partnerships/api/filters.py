"""FilterSets of the registry API (also usable by HTML lists)."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import QuerySet

from ddms_platform.core.scoping import ScopedFilterSet

from ..choices import AgreementState, Audience, Domain, Theme
from ..models import (
    Activity,
    Agreement,
    CaseStudy,
    CommunicationPlan,
    Contact,
    KnowledgeArticle,
    Membership,
    Organisation,
    Pilot,
    Policy,
)


def _json_list_has(field: str) -> Any:
    """Filter method: rows whose JSON list `field` holds the value.

    `icontains` on the JSON text works on SQLite and PostgreSQL alike; the quotes keep
    'energy' from matching a longer value containing it.
    """

    def method(qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(**{f"{field}__icontains": f'"{value}"'}) if value else qs

    return method


class OrganisationFilter(ScopedFilterSet):
    class Meta:
        model = Organisation
        fields = ["kind", "country", "parent", "is_active"]


class ContactFilter(ScopedFilterSet):
    class Meta:
        model = Contact
        fields = ["organisation"]


class MembershipFilter(ScopedFilterSet):
    class Meta:
        model = Membership
        fields = ["organisation", "user", "role"]


class AgreementFilter(ScopedFilterSet):
    state = filters.MultipleChoiceFilter(choices=AgreementState.choices)
    domain = filters.ChoiceFilter(choices=Domain.choices, method=_json_list_has("domains"))
    party = filters.NumberFilter(field_name="party_links__organisation", distinct=True)
    country = filters.CharFilter(field_name="nsi__country")
    signed_after = filters.DateFilter(field_name="signed_on", lookup_expr="gte")
    signed_before = filters.DateFilter(field_name="signed_on", lookup_expr="lte")
    ends_before = filters.DateFilter(field_name="ends_on", lookup_expr="lte")

    class Meta:
        model = Agreement
        fields = ["state", "type", "nsi", "domain", "party", "country"]


class CaseStudyFilter(ScopedFilterSet):
    class Meta:
        model = CaseStudy
        fields = ["agreement", "is_published"]


class PilotFilter(ScopedFilterSet):
    theme = filters.ChoiceFilter(choices=Theme.choices, method=_json_list_has("themes"))
    partner = filters.NumberFilter(field_name="partners", distinct=True)

    class Meta:
        model = Pilot
        fields = ["country", "city", "territory_code", "nsi", "local_government", "theme"]


class PolicyFilter(ScopedFilterSet):
    indicator_code = filters.CharFilter(field_name="targets__indicator_code", distinct=True)

    class Meta:
        model = Policy
        fields = ["pilot", "kind", "indicator_code"]


class CommunicationPlanFilter(ScopedFilterSet):
    audience = filters.ChoiceFilter(choices=Audience.choices, method=_json_list_has("audiences"))

    class Meta:
        model = CommunicationPlan
        fields = ["pilot", "agreement", "owner", "audience"]


class ActivityFilter(ScopedFilterSet):
    pilot = filters.NumberFilter(field_name="plan__pilot")
    starts_after = filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Activity
        fields = ["plan", "pilot", "kind", "status", "audience"]


class KnowledgeArticleFilter(ScopedFilterSet):
    tag = filters.CharFilter(method=_json_list_has("tags"))

    class Meta:
        model = KnowledgeArticle
        fields = ["kind", "is_published", "slug", "tag", "case_study"]
