"""load_demo's network part: the coordinator, shared Serbian definitions, the adoption."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from indicators.models import ComparabilityGroup, Indicator, IndicatorAdoption
from partnerships.models import KnowledgeArticle

from ..factories import CountryFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_has_a_coordinator_and_shared_serbian_definitions() -> None:
    output = _demo()
    assert "network.coordinator" in output
    shared = Indicator.objects.filter(shared_with_network=True).values_list("code", flat=True)
    assert sorted(shared) == ["ELEC_HH", "PT_ACCESS"]
    assert KnowledgeArticle.objects.filter(shared_with_network=True).count() == 1


def test_second_country_adopts_two_serbian_definitions_once() -> None:
    country = CountryFactory(code="ME", name="Montenegro (synthetic)")
    nsi = OrganisationFactory(name="Synthetic NSI", kind="nsi", country=country)
    MembershipFactory(user=UserFactory(username="nsi-me"), organisation=nsi, role="manager")
    _demo()
    _demo()
    adopted = Indicator.objects.filter(owner=nsi).values_list("code", flat=True)
    assert sorted(adopted) == ["ELEC_HH", "PT_ACCESS"]
    assert IndicatorAdoption.objects.count() == 2
    assert ComparabilityGroup.objects.count() == 2
