"""What a partner's data fed includes the decisions the city recorded on figures from it: all
of them counted, only the public ones named, none from another partner's data."""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.models import ReleasedObservation
from indicators.selectors.partner_value import partner_value
from indicators.services.evidence import evidence_record
from tests.factories import PilotFactory
from tests.indicators.test_partner_value import fed  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.django_db


def _record(world, figure, title, *, public):
    pilot = PilotFactory(
        country=world.country, nsi=world.nsi, local_government=world.city, name=f"P {title}"
    )
    return evidence_record(
        actor=world.city_user,
        pilot=pilot,
        released_observation=figure,
        kind="budget_line",
        title=title,
        decided_on=dt.date(2026, 3, 1),
        decision_body="City council",
        public=public,
    )


def test_decisions_on_a_deliverables_figures_are_counted_and_only_public_ones_named(fed):  # noqa: F811 - the imported fixture
    figure = ReleasedObservation.objects.get(publication=fed.published)
    _record(fed, figure, "Street lighting budget", public=True)
    _record(fed, figure, "Internal energy review", public=False)

    [value] = partner_value(fed.partner_a_user)
    assert value.decisions == 2
    assert [d["title"] for d in value.public_decisions] == ["Street lighting budget"]


def test_another_partners_deliverable_counts_none_of_them(fed):  # noqa: F811 - the imported fixture
    figure = ReleasedObservation.objects.get(publication=fed.published)
    _record(fed, figure, "Street lighting budget", public=True)

    [value] = partner_value(fed.partner_b_user)
    assert value.decisions == 0 and value.public_decisions == []


def test_the_page_shows_the_count_and_the_public_titles(fed, client):  # noqa: F811 - the imported fixture
    figure = ReleasedObservation.objects.get(publication=fed.published)
    _record(fed, figure, "Street lighting budget", public=True)
    _record(fed, figure, "Internal energy review", public=False)
    client.force_login(fed.partner_a_user)
    body = client.get("/portal/value/").content.decode()
    assert "The city recorded 2 decisions informed by figures from this data." in body
    assert "Street lighting budget" in body and "Internal energy review" not in body
