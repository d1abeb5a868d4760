"""django-filter FilterSets shared by the API lists."""

from __future__ import annotations

import django_filters

from ddms_platform.core.scoping import ScopedFilterSet

from ..models import Observation, Publication, ReleasedObservation, Territory


class TerritoryFilter(ScopedFilterSet):
    parent = django_filters.CharFilter(field_name="parent__code")

    class Meta:
        model = Territory
        fields = ["level", "parent"]


class ObservationFilter(ScopedFilterSet):
    indicator = django_filters.CharFilter(field_name="indicator__code")
    territory = django_filters.CharFilter(field_name="territory__code")

    class Meta:
        model = Observation
        fields = ["indicator", "territory", "period", "status", "submission"]


class ReleasedObservationFilter(ScopedFilterSet):
    indicator = django_filters.CharFilter(field_name="indicator_code")
    territory = django_filters.CharFilter(field_name="territory_code")

    class Meta:
        model = ReleasedObservation
        fields = ["publication", "indicator", "territory", "period", "status"]


class PublicationFilter(ScopedFilterSet):
    indicator = django_filters.CharFilter(field_name="indicators__code", distinct=True)

    class Meta:
        model = Publication
        fields = ["series", "state", "pilot", "indicator"]
