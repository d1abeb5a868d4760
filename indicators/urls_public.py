"""The public addresses of indicators, which carry their owner (codes are unique per NSI)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def indicator_page_url(indicator: Any, action: str = "") -> str:
    """/indicators/<AGENCY>/<CODE>/ (or …/subscribe/, or its embed); the bare /indicators/<CODE>/ when the
    owner has no agency id."""
    agency = indicator.owner.agency_id
    if action == "embed":  # /embed/indicators/<AGENCY>/<CODE>/, the framable view
        if agency:
            return reverse("indicators:embed-indicator-owned", args=[agency, indicator.code])
        return reverse("indicators:embed-indicator", args=[indicator.code])
    if action == "datapackage":
        if agency:
            return reverse("indicator-owned-datapackage", args=[agency, indicator.code])
        return reverse("indicator-datapackage", args=[indicator.code])
    suffix = "-subscribe" if action == "subscribe" else "-detail"
    if agency:
        return reverse(f"indicators:indicator-owned{suffix}", args=[agency, indicator.code])
    return reverse(f"indicators:indicator{suffix}", args=[indicator.code])
