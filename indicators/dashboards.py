"""What the indicator pages show, composed from the indicators selectors (the API's own reads).

Every value comes from `open_observations` / `current_publication_ids`, which apply the embargo
rule; a page never reads ReleasedObservation or Observation rows any other way.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from .choices import PublicationState
from .models import Indicator, Publication, ReleasedObservation, Subscription
from .selectors.open_data import ObservationFilter, open_observations
from .selectors.publications import (
    calendar_entries,
    current_publication_ids,
    staff_publications,
)
from .urls_public import indicator_page_url

EMBED_VIEWS = ("chart", "map", "tile")
MAX_TERRITORIES = 50


def public_indicators(*, q: str = "", topic: str = "", sdg: str = "") -> QuerySet[Indicator]:
    """Active indicators with a public release (the API catalogue's rule), for the catalogue."""
    qs = Indicator.objects.select_related("owner").filter(
        is_active=True, pk__in=Indicator.objects.filter(publications__in=current_publication_ids())
    )
    if q:
        qs = qs.filter(
            Q(code__icontains=q)
            | Q(name_en__icontains=q)
            | Q(name_sr_latn__icontains=q)
            | Q(name_sr_cyrl__icontains=q)
            | Q(description__icontains=q)
        )
    if topic:
        qs = qs.filter(topic=topic)
    if sdg:
        qs = qs.filter(sdg_targets__icontains=sdg)
    return qs.order_by("code", "owner__agency_id")


def released_series(
    indicator: Indicator,
    *,
    dims: dict[str, str] | None = None,
    territories: list[str] | None = None,
) -> list[ReleasedObservation]:
    """The indicator's public values (latest version of each series), optionally one slice."""
    wanted = {k: [v] for k, v in (dims or {}).items() if v}
    filters = ObservationFilter(
        indicators=[indicator.code], dims=wanted, territories=list(territories or [])
    )
    return list(
        open_observations(filters=filters, indicator_id=indicator.pk)
        .select_related("territory", "submission")
        .order_by("territory_code", "dims_key", "period_start")
    )


def view_state(params: Any, indicator: Indicator) -> dict[str, Any]:
    """What an indicator view shows, read from its URL so that a link reproduces it.

    Unknown dimension codes are dropped (the page shows every value instead), as are
    territory lists longer than any page would draw.
    """
    dims = {}
    for dim, codes in (indicator.dimensions or {}).items():
        value = params.get(dim, "")
        dims[dim] = value if value in codes else ""
    territories = [t for t in params.getlist("territory") if t and len(t) <= 30][:MAX_TERRITORIES]
    period = params.get("period", "")[:10]
    view = params.get("view", "chart")
    return {
        "dims": dims,
        "territories": territories,
        "period": period,
        "view": view if view in EMBED_VIEWS else "chart",
    }


def state_query(state: dict[str, Any], **override: Any) -> str:
    """The query string of a view state (empty values left out), for links and embeds."""
    merged = {**state, **override}
    pairs: list[tuple[str, str]] = [(k, v) for k, v in merged["dims"].items() if v]
    pairs += [("territory", t) for t in merged["territories"]]
    if merged.get("period"):
        pairs.append(("period", merged["period"]))
    if merged.get("view") and merged["view"] != "chart":
        pairs.append(("view", merged["view"]))
    return urlencode(pairs)


def download_links(indicator: Indicator) -> list[tuple[str, str]]:
    """The open-data API downloads of one indicator (CSV, JSON, SDMX-CSV)."""
    from django.utils.translation import gettext as _

    from .exports import SDMX_VERSION, sdmx_agency_id

    agency = indicator.owner.agency_id
    query = urlencode({"indicator": f"{agency}:{indicator.code}" if agency else indicator.code})
    flow = (
        f"/sdmx/data/dataflow/{sdmx_agency_id(indicator)}/DF_{indicator.code.upper()}/"
        f"{SDMX_VERSION}/*"
    )
    return [
        *[
            (label, f"{reverse('open-data-observations', kwargs={'fmt': fmt})}?{query}")
            for label, fmt in (("CSV", "csv"), ("JSON", "json"), ("SDMX-CSV", "sdmx.csv"))
        ],
        # Column headers and codes as labels in the reader's language ("SEX: Sex", "F: Female").
        (_("SDMX-CSV with labels"), f"{flow}?format=csvfile&labels=both"),
        ("SDMX-ML", f"{flow}?format=structurespecificdata"),
        ("SDMX-JSON", f"{flow}?format=jsondata"),
        (_("Data Package"), indicator_page_url(indicator, "datapackage")),
    ]


def release_calendar(*, indicator: str = "", topic: str = "") -> list[dict[str, Any]]:
    """The public release calendar (upcoming releases: the announcement only)."""
    return calendar_entries(indicator=indicator, topic=topic)


def calendar_choices() -> tuple[list[str], list[str]]:
    """Codes and topics of public indicators, for the calendar's filters."""
    rows = set(public_indicators().values_list("code", "topic"))
    return sorted({c for c, _t in rows if c}), sorted({t for _c, t in rows if t})


def release_plan(user: Any) -> QuerySet[Publication]:
    """Drafts and scheduled releases as NSI staff see them, soonest first."""
    return (
        staff_publications(user)
        .filter(state__in=[PublicationState.DRAFT, PublicationState.SCHEDULED])
        .order_by("release_at", "series")
    )


def followed_indicators(user: Any) -> dict[int, int]:
    """Indicator id → id of the user's active subscription that follows it (own rows only)."""
    rows = Subscription.objects.filter(user=user, is_active=True).values_list("indicators", "pk")
    return {indicator_id: pk for indicator_id, pk in rows if indicator_id is not None}
