"""Reads across the network: shared indicator definitions, comparability groups and the
cross-city comparison of their latest public values (docs/network.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ddms_platform.core.permissions import is_network_reader, scope_to_countries

from ..models import (
    ComparabilityGroup,
    Indicator,
    IndicatorAdoption,
    KitImport,
    ReleasedObservation,
)
from .publications import current_publication_ids


def own_indicator_list(user: Any) -> QuerySet[Indicator]:
    """Indicators of the NSIs of the user's own countries (what it may share or clash with)."""
    return scope_to_countries(Indicator.objects.all(), user, "owner__country")


def shared_indicator_list(user: Any) -> QuerySet[Indicator]:
    """Definitions shared with the network, from every country (NSI staff, coordinator).

    Only the definition: its values stay under each country's release calendar.
    """
    if not is_network_reader(user):
        return Indicator.objects.none()
    return (
        Indicator.objects.filter(shared_with_network=True, is_active=True)
        .select_related("owner__country")
        .order_by("code", "owner_id")
    )


def adoption_list(user: Any) -> QuerySet[IndicatorAdoption]:
    """Adoptions the user may read: every one for network readers (they name definitions
    already shared), none for anyone else."""
    if not is_network_reader(user):
        return IndicatorAdoption.objects.none()
    return IndicatorAdoption.objects.select_related(
        "source__owner__country", "adopted__owner__country", "group", "organisation"
    )


def comparability_group_list(*, now: dt.datetime | None = None) -> QuerySet[ComparabilityGroup]:
    """Comparability groups with at least one public member; each group's `public_indicators`
    lists only members with a public release (the others do not exist yet). Three queries."""
    public = Indicator.objects.filter(
        is_active=True, publications__in=current_publication_ids(now=now)
    ).values("pk")
    members = (
        Indicator.objects.filter(pk__in=public)
        .select_related("owner__country")
        .order_by("owner__country_id", "code")
    )
    return (
        ComparabilityGroup.objects.filter(
            pk__in=ComparabilityGroup.objects.filter(indicators__in=public).values("pk")
        )
        .prefetch_related(Prefetch("indicators", queryset=members, to_attr="public_indicators"))
        .order_by("code")
    )


@dataclass
class CityValue:
    """The latest public value of one indicator in one territory."""

    indicator: Indicator
    territory_code: str
    territory_name: str
    period: str
    value: Any
    status: str
    released_id: int
    publication_id: int
    publication_title: str
    release_at: dt.datetime | None


@dataclass
class Comparison:
    """A comparability group's public values, city by city."""

    group: ComparabilityGroup
    indicators: list[Indicator] = field(default_factory=list)
    rows: list[CityValue] = field(default_factory=list)


def _total_key(indicator: Indicator) -> str:
    return "|".join(f"{d}=_T" for d in sorted(indicator.dimension_ids))


def comparison(*, group: ComparabilityGroup, now: dt.datetime | None = None) -> Comparison:
    """The latest released value (all-totals cell) of every member indicator in every
    territory, from the current version of each release series.

    Public data only, whoever asks: a country's release still under embargo shows nothing of
    that country, whatever the other countries have released. Three queries.
    """
    now = now or timezone.now()
    members = list(group.indicators.select_related("owner__country").order_by("owner__country_id"))
    by_id = {ind.pk: ind for ind in members}
    current = current_publication_ids(now=now)
    rows = (
        ReleasedObservation.objects.filter(indicator__in=by_id, publication__in=current)
        .select_related("publication", "territory")
        .order_by("indicator_id", "territory_code")
    )
    totals = {pk: _total_key(ind) for pk, ind in by_id.items()}
    best: dict[tuple[int, int], tuple[tuple[Any, ...], ReleasedObservation]] = {}
    for row in rows:
        # The all-totals cell: every dimension at _T, or no dimension value at all.
        if row.dims_key not in (totals[row.indicator_id], ""):
            continue
        rank = (row.period_start, row.publication.version, row.dims_key != "")
        key = (row.indicator_id, row.territory_id)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, row)
    out = Comparison(group=group)
    with_values: set[int] = set()
    for _rank, row in best.values():
        with_values.add(row.indicator_id)
        out.rows.append(
            CityValue(
                indicator=by_id[row.indicator_id],
                territory_code=row.territory_code,
                territory_name=row.territory.name_en,
                period=row.period,
                value=row.value,
                status=row.status,
                released_id=row.pk,
                publication_id=row.publication_id,
                publication_title=row.publication.title,
                release_at=row.publication.release_at,
            )
        )
    # An indicator with nothing public yet does not exist for the public: no name, no owner.
    out.indicators = [ind for ind in members if ind.pk in with_values]
    out.rows.sort(key=lambda r: (r.indicator.owner.country_id, r.territory_code))
    return out


def kit_import_list(user: Any) -> QuerySet[KitImport]:
    """Kit imports into pilots of the user's own countries."""
    return scope_to_countries(KitImport.objects.select_related("pilot"), user, "pilot__country")


def register_visibility() -> None:
    """Which network rows a user may name in a filter or a body (core.scoping)."""
    from ddms_platform.core.scoping import register_visible

    register_visible(ComparabilityGroup, lambda user: comparability_group_list())
    register_visible(IndicatorAdoption, adoption_list)
    register_visible(KitImport, kit_import_list)
