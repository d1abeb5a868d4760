"""Open data reads: released values of the current versions, filtered, for streaming."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import FloatField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import QueryDict

from ddms_platform.core.errors import DomainError

from ..models import Indicator, ReleasedObservation
from ..periods import period_bound
from .publications import current_publication_ids

# Query parameters with a meaning of their own; any other one filters a dimension.
RESERVED_PARAMS = {
    "indicator",
    "owner",
    "territory",
    "period_from",
    "period_to",
    "format",
    "page",
    "page_size",
}


def query_list(params: QueryDict, name: str) -> list[str]:
    """The comma-separated values of a repeatable query parameter, blanks dropped."""
    return [v.strip() for raw in params.getlist(name) for v in raw.split(",") if v.strip()]


def split_owner(value: str) -> tuple[str, str]:
    """("SORS", "ELEC_HH") from "SORS:ELEC_HH"; ("", code) from a bare code. Codes are
    unique per owner (an NSI's SDMX agency id), so OWNER:CODE names one indicator."""
    owner, sep, code = value.partition(":")
    return (owner, code) if sep else ("", value)


@dataclass
class ObservationFilter:
    """Filters shared by the series endpoint and the bulk downloads."""

    indicators: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    territories: list[str] = field(default_factory=list)
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    dims: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_query(cls, params: QueryDict, *, dimensions: Iterable[str]) -> ObservationFilter:
        """Read filters from a query string; a bad period or an unknown parameter is a 400.

        Only the declared `dimensions` filter: a parameter name becomes part of a JSON
        lookup, so anything else (`sex__isnull`, `x__lt`) must never reach the ORM.
        """
        declared = set(dimensions)
        unknown = sorted(k for k in params if k not in RESERVED_PARAMS and k not in declared)
        if unknown:
            allowed = sorted(RESERVED_PARAMS - {"format"}) + sorted(declared)
            raise DomainError(
                f"Unknown filter {', '.join(unknown)}. Allowed filters: {', '.join(allowed)}.",
                code="unknown_filter",
                unknown=unknown,
                allowed=allowed,
            )

        def split(name: str) -> list[str]:
            return query_list(params, name)

        bounds: dict[str, dt.date | None] = {}
        for name, end in (("period_from", False), ("period_to", True)):
            raw = params.get(name)
            bounds[name] = period_bound(raw, end=end)
            if raw and bounds[name] is None:
                raise DomainError(
                    f"{name}={raw!r} is not a period (2024, 2024-Q1, 2024-03).",
                    code="invalid_filter",
                    field=name,
                )
        return cls(
            indicators=split("indicator"),
            owners=split("owner"),
            territories=split("territory"),
            period_from=bounds["period_from"],
            period_to=bounds["period_to"],
            dims={k: split(k) for k in params if k in declared and split(k)},
        )

    def apply(self, qs: QuerySet[ReleasedObservation]) -> QuerySet[ReleasedObservation]:
        """Narrow a released-observation queryset by these filters."""
        if self.indicators:
            wanted = Q()
            for value in self.indicators:
                owner, code = split_owner(value)
                one = Q(indicator_code=code)
                if owner:
                    one &= Q(indicator__owner__agency_id__iexact=owner)
                wanted |= one
            qs = qs.filter(wanted)
        if self.owners:
            agencies = Q()
            for owner in self.owners:
                agencies |= Q(indicator__owner__agency_id__iexact=owner)
            qs = qs.filter(agencies)
        if self.territories:
            qs = qs.filter(territory_code__in=self.territories)
        if self.period_from:
            qs = qs.filter(period_start__gte=self.period_from)
        if self.period_to:
            # period_to is exclusive here: period_bound(end=True) gives the next period's start.
            qs = qs.filter(period_start__lt=self.period_to)
        for dim, values in self.dims.items():
            qs = qs.filter(**{f"dims__{dim}__in": values})
        return qs


def open_observations(
    *,
    filters: ObservationFilter,
    now: dt.datetime | None = None,
    indicator_id: int | None = None,
    publication_ids: list[int] | None = None,
) -> QuerySet[ReleasedObservation]:
    """Released values of the latest public version of each series, filtered."""
    ids = (
        publication_ids
        if publication_ids is not None
        else current_publication_ids(now=now, indicator_id=indicator_id)
    )
    qs = ReleasedObservation.objects.filter(publication_id__in=ids)
    if indicator_id is not None:
        qs = qs.filter(indicator_id=indicator_id)
    return filters.apply(qs)


def declared_dimensions(codes: Iterable[str] = ()) -> list[str]:
    """The dimension ids declared by these indicators (by every indicator when none given)."""
    qs = Indicator.objects.all()
    wanted = [split_owner(c)[1] for c in codes]
    if wanted:
        qs = qs.filter(code__in=wanted)
    return sorted({dim for dims in qs.values_list("dimensions", flat=True) for dim in dims or {}})


def open_indicator(
    code: str, *, now: dt.datetime | None = None, owner: str = ""
) -> tuple[Indicator, list[int]] | None:
    """The indicator and its current public releases; None if it has none (embargoed).

    `code` may be OWNER:CODE (or `owner` given); a bare code that two owners' public
    indicators share is ambiguous (DomainError), an embargoed namesake does not count.
    """
    qualified, code = split_owner(code)
    owner = owner or qualified
    qs = Indicator.objects.select_related("owner").filter(code=code)
    if owner:
        qs = qs.filter(owner__agency_id__iexact=owner)
    found = []
    for indicator in qs.order_by("pk")[:10]:
        ids = current_publication_ids(now=now, indicator_id=indicator.pk)
        if ids:
            found.append((indicator, ids))
    if len(found) > 1:
        raise DomainError(
            f"Several NSIs publish an indicator {code!r}: name one as OWNER:CODE "
            f"({', '.join(f'{i.owner.agency_id}:{i.code}' for i, _ids in found)}).",
            code="ambiguous_code",
        )
    return found[0] if found else None


SERIES_COLUMNS = ("id", "territory", "period", "dims", "value", "status")


def series_rows(
    *, indicator: Indicator, filters: ObservationFilter, publication_ids: list[int]
) -> Any:
    """(id, territory, period, dims key, value as float, status) of one indicator, in order."""
    return (
        open_observations(
            filters=filters, indicator_id=indicator.pk, publication_ids=publication_ids
        )
        .order_by("territory_code", "dims_key", "period_start")
        .annotate(value_f=Cast("value", FloatField()))
        # dims_key rather than the JSON column: parsing a few distinct keys once is far cheaper
        # than decoding a JSON document per row.
        .values_list("id", "territory_code", "period", "dims_key", "value_f", "status")
    )


def dims_from_key(key: str, cache: dict[str, dict[str, str]]) -> dict[str, str]:
    """{'sex': 'F'} from 'sex=F' (memoised in `cache`: a series has few distinct keys)."""
    found = cache.get(key)
    if found is None:
        found = cache[key] = dict(part.split("=", 1) for part in key.split("|")) if key else {}
    return found
