"""What the indicator pages show, composed from the indicators selectors (the API's own reads).

Every value comes from `open_observations` / `current_publication_ids`, which apply the embargo
rule; a page never reads ReleasedObservation or Observation rows any other way.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from partnerships.models import Pilot

from .choices import PublicationState
from .models import Indicator, Publication, ReleasedObservation, Subscription
from .selectors.monitoring import pilot_monitoring
from .selectors.open_data import ObservationFilter, open_observations
from .selectors.publications import (
    calendar_entries,
    current_publication_ids,
    publications_visible,
)


def public_indicators(*, q: str = "", topic: str = "", sdg: str = "") -> QuerySet[Indicator]:
    """Active indicators with a public release (the API catalogue's rule), for the catalogue."""
    qs = Indicator.objects.filter(
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
    return qs.order_by("code")


def released_series(
    indicator: Indicator, *, dims: dict[str, str] | None = None
) -> list[ReleasedObservation]:
    """The indicator's public values (latest version of each series), optionally one slice."""
    wanted = {k: [v] for k, v in (dims or {}).items() if v}
    filters = ObservationFilter(indicators=[indicator.code], dims=wanted)
    return list(
        open_observations(filters=filters, indicator_id=indicator.pk)
        .select_related("territory", "submission")
        .order_by("territory_code", "dims_key", "period_start")
    )


def chart_data(indicator: Indicator, rows: list[ReleasedObservation]) -> dict[str, Any]:
    """Series per territory (and dimension key) for the chart script; values as numbers.

    Legends and row headers are labels in the reader's language: "Grad Kragujevac (Žene)",
    never "City of Kragujevac (sex=F)".
    """
    from .sdmx.codes import localised
    from .sdmx.labels import Labeller

    labels = Labeller()
    periods = sorted({r.period for r in rows})
    series: dict[str, dict[str, Any]] = {}
    for r in rows:
        name = localised(r.territory)
        label = f"{name} ({labels.dims(r.dims_key)})" if r.dims_key else name
        entry = series.setdefault(label, {"label": label, "values": {}})
        # Shown with the indicator's decimals, as the open-data downloads give them.
        value = None if r.value is None else round(float(r.value), indicator.decimals)
        entry["values"][r.period] = value
    return {
        "unit": labels.unit(indicator.unit),
        "periods": periods,
        "series": [
            {"label": s["label"], "data": [s["values"].get(p) for p in periods]}
            for s in series.values()
        ],
    }


def download_links(indicator: Indicator) -> list[tuple[str, str]]:
    """The open-data API downloads of one indicator (CSV, JSON, SDMX-CSV)."""
    from django.utils.translation import gettext as _

    query = urlencode({"indicator": indicator.code})
    flow = f"/sdmx/data/dataflow/DDMS/DF_{indicator.code.upper()}/1.0.0/*"
    return [
        *[
            (label, f"{reverse('open-data-observations', kwargs={'fmt': fmt})}?{query}")
            for label, fmt in (("CSV", "csv"), ("JSON", "json"), ("SDMX-CSV", "sdmx.csv"))
        ],
        # Column headers and codes as labels in the reader's language ("SEX: Sex", "F: Female").
        (_("SDMX-CSV with labels"), f"{flow}?format=csvfile&labels=both"),
        ("SDMX-ML", f"{flow}?format=structurespecificdata"),
        ("SDMX-JSON", f"{flow}?format=jsondata"),
        (_("Data Package"), reverse("indicator-datapackage", args=[indicator.code])),
    ]


def release_calendar() -> list[dict[str, Any]]:
    """The public release calendar (upcoming releases: date and title only)."""
    return calendar_entries()


def pilot_targets(pilots: list[Pilot]) -> list[dict[str, Any]]:
    """Each pilot's policy targets with latest public value and on/off-track verdict."""
    return [
        {**row, "pilot": pilot.name} for pilot in pilots for row in pilot_monitoring(pilot=pilot)
    ]


def release_plan(user: Any) -> QuerySet[Publication]:
    """Drafts and scheduled releases as NSI staff see them, soonest first."""
    return (
        publications_visible(user=user)
        .filter(state__in=[PublicationState.DRAFT, PublicationState.SCHEDULED])
        .order_by("release_at", "series")
    )


def followed_indicators(user: Any) -> dict[int, int]:
    """Indicator id → id of the user's active subscription that follows it (own rows only)."""
    rows = Subscription.objects.filter(user=user, is_active=True).values_list("indicators", "pk")
    return {indicator_id: pk for indicator_id, pk in rows if indicator_id is not None}
