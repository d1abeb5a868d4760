"""load_demo's network part: the coordinator, shared Serbian definitions, Montenegro's
adoption of two of them, and the comparison page with both cities."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from indicators.models import ComparabilityGroup, Indicator, IndicatorAdoption
from partnerships.models import KnowledgeArticle

pytestmark = pytest.mark.django_db


def _demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_network_coordinator_sharing_adoption_and_comparison(client) -> None:
    output = _demo()
    _demo()  # twice: nothing is adopted or shared a second time
    assert "network.coordinator" in output
    serbian = Indicator.objects.filter(owner__agency_id="SORS", shared_with_network=True)
    assert sorted(serbian.values_list("code", flat=True)) == ["ELEC_HH", "PT_ACCESS"]
    assert KnowledgeArticle.objects.filter(shared_with_network=True).count() == 1
    adopted = IndicatorAdoption.objects.filter(organisation__agency_id="MONSTAT")
    assert sorted(adopted.values_list("adopted__code", flat=True)) == ["ELEC_HH", "PT_ACCESS"]
    group = ComparabilityGroup.objects.get(
        indicators__code="ELEC_HH", indicators__owner__agency_id="SORS"
    )
    body = client.get(f"/api/v1/comparisons/{group.code}/").json()
    countries = {v["country"] for v in body["values"]}
    assert countries == {"RS", "ME"}
    page = client.get(f"/compare/{group.code}/").content.decode()
    assert "Nikšić" in page and "Kragujevac" in page
