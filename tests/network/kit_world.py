"""A Serbian pilot with every kind of reusable definition, for the replication-kit tests."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from ..factories import (
    ActivityFactory,
    AgreementFactory,
    CommunicationPlanFactory,
    DataRequestFactory,
    IndicatorFactory,
    PolicyFactory,
    PolicyTargetFactory,
)

SCHEMA = {
    "fields": [
        {"name": "territory_code", "type": "string", "constraints": {"required": True}},
        {"name": "month", "type": "string"},
        {"name": "kwh_per_capita", "type": "number", "constraints": {"minimum": 0}},
    ],
    "primaryKey": ["territory_code", "month"],
}


def build_pilot_definitions(net: SimpleNamespace) -> SimpleNamespace:
    """Two indicators, a request template, a policy with targets, a plan, an agreement."""
    pilot = net.pilot_a
    elec = IndicatorFactory(
        owner=net.nsi,
        code="ELEC_HH",
        name_en="Household electricity use per person",
        name_sr_latn="Potrošnja električne energije po stanovniku",
        unit="kWh",
        topic="energy",
        methodology="Metered consumption divided by residents.",
        dimensions={"sex": ["F", "M", "_T"], "age": ["Y0-14", "Y15-64", "Y65-", "_T"]},
        decimals=1,
        min_cell_count=5,
    )
    transit = IndicatorFactory(
        owner=net.nsi, code="PT_SHARE", unit="%", topic="mobility", dimensions={}, decimals=0
    )
    IndicatorFactory(owner=net.nsi, code="NOT_IN_PILOT")
    DataRequestFactory(
        requester=net.nsi,
        provider=net.partner_a,
        pilot=pilot,
        title="Monthly household electricity",
        purpose="ELEC_HH for the energy plan.",
        table_schema=SCHEMA,
        dialect={"delimiter": ";"},
        frequency="monthly",
    )
    policy = PolicyFactory(pilot=pilot, name="Energy efficiency plan 2030", kind="investment_plan")
    PolicyTargetFactory(
        policy=policy, indicator_code="ELEC_HH", target_value="95.5", target_year=2030
    )
    PolicyTargetFactory(
        policy=policy,
        indicator_code="PT_SHARE",
        target_value=40,
        target_year=2028,
        direction="increase",
        baseline_value="31.25",
        baseline_year=2024,
    )
    plan = CommunicationPlanFactory(
        pilot=pilot,
        owner=net.nsi,
        title="Telling the city about energy",
        audiences=["local_government", "citizens"],
        key_messages="Households use less.",
    )
    start = timezone.now() + dt.timedelta(days=5)
    ActivityFactory(plan=plan, kind="seminar", title="Kick-off", starts_at=start)
    ActivityFactory(
        plan=plan,
        kind="press_release",
        title="First figures",
        starts_at=start + dt.timedelta(days=30),
        audience="media",
        attendees=40,
        outcome="Covered by two papers",
    )
    agreement = AgreementFactory(
        nsi=net.nsi,
        title="Energy data-sharing agreement",
        goals="Monthly consumption data.",
        domains=["energy"],
        nsi_resources=["skills"],
        partners=[net.partner_a],
    )
    pilot.agreements.add(agreement)
    return SimpleNamespace(pilot=pilot, elec=elec, transit=transit, policy=policy, plan=plan)
