"""Fixtures of the network tests: a second country, a network coordinator, released values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from indicators.choices import PublicationState
from indicators.models import Indicator, Publication, ReleasedObservation, Territory
from partnerships import choices
from partnerships.models import Pilot

from ..factories import (
    CountryFactory,
    IndicatorFactory,
    MembershipFactory,
    OrganisationFactory,
    PilotFactory,
    TerritoryFactory,
    UserFactory,
)


@pytest.fixture
def net(world: SimpleNamespace) -> SimpleNamespace:
    """`world` (Serbia) plus a second country with its NSI, city and partner, and the
    network coordinator (a member, a viewer) of the project team."""
    w = world
    w.country_b = CountryFactory(code="HR", name="Croatia")
    w.nsi_b = OrganisationFactory(
        name="Statistical Office B", kind=choices.OrganisationKind.NSI, country=w.country_b
    )
    w.city_b = OrganisationFactory(
        name="City of Varaždin", kind=choices.OrganisationKind.LOCAL_GOVERNMENT, country=w.country_b
    )
    w.partner_b_country = OrganisationFactory(
        name="Utility B", kind=choices.OrganisationKind.COMPANY, country=w.country_b
    )
    w.nsi_b_manager = MembershipFactory(
        user=UserFactory(username="nsi-b"), organisation=w.nsi_b, role="manager"
    ).user
    w.nsi_b_viewer = MembershipFactory(
        user=UserFactory(username="nsi-b-viewer"), organisation=w.nsi_b, role="viewer"
    ).user
    project = CountryFactory(code="EU", name="European project")
    w.network = OrganisationFactory(
        name="Network coordination", kind=choices.OrganisationKind.NETWORK, country=project
    )
    w.coordinator = MembershipFactory(
        user=UserFactory(username="coordinator"), organisation=w.network
    ).user
    w.coordinator_viewer = MembershipFactory(
        user=UserFactory(username="coordinator-viewer"), organisation=w.network, role="viewer"
    ).user
    w.pilot_a = PilotFactory(
        name="Kragujevac pilot",
        country=w.country,
        nsi=w.nsi,
        local_government=w.city,
        territory_code="RS-KG",
    )
    w.pilot_b = PilotFactory(
        name="Varaždin pilot",
        city="Varaždin",
        country=w.country_b,
        nsi=w.nsi_b,
        local_government=w.city_b,
        territory_code="HR-VZ",
    )
    w.city_a_territory = TerritoryFactory(
        code="RS-KG", level="city", country=w.country, name_en="Kragujevac"
    )
    w.city_b_territory = TerritoryFactory(
        code="HR-VZ", level="city", country=w.country_b, name_en="Varaždin"
    )
    return w


@pytest.fixture
def shared_indicator(net: SimpleNamespace) -> Indicator:
    """A Serbian indicator definition shared with the network."""
    return IndicatorFactory(
        owner=net.nsi,
        code="ELEC_HH",
        name_en="Household electricity use per person",
        unit="kWh",
        topic="energy",
        methodology="Metered household consumption divided by residents.",
        dimensions={"sex": ["F", "M", "_T"]},
        shared_with_network=True,
        shared_at=timezone.now(),
    )


@pytest.fixture
def release() -> Callable[..., Publication]:
    """`release(indicator, territory, value, ...)` freezes one all-totals value into a
    publication released at `release_at` (default: an hour ago)."""

    def make(
        indicator: Indicator,
        territory: Territory,
        value: str,
        *,
        period: str = "2029",
        release_at: dt.datetime | None = None,
        pilot: Pilot | None = None,
        series: str | None = None,
        **extra: Any,
    ) -> Publication:
        release_at = release_at or timezone.now() - dt.timedelta(hours=1)
        publication = Publication.objects.create(
            series=series
            or f"{indicator.owner.country_id.lower()}-{indicator.code.lower()}-{period}",
            title=f"{indicator.code} {territory.code} {period}",
            pilot=pilot,
            territory=territory,
            release_at=release_at,
            state=PublicationState.SCHEDULED,
            **extra,
        )
        publication.indicators.add(indicator)
        key = "|".join(f"{d}=_T" for d in sorted(indicator.dimension_ids))
        ReleasedObservation.objects.create(
            publication=publication,
            indicator=indicator,
            territory=territory,
            indicator_code=indicator.code,
            territory_code=territory.code,
            period=period,
            period_type="A",
            period_start=dt.date(int(period[:4]), 1, 1),
            dims={d: "_T" for d in indicator.dimension_ids},
            dims_key=key,
            value=Decimal(value),
            status="A",
        )
        return publication

    return make
