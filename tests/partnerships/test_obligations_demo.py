"""The demo's recurring obligations tell a credible story: monthly electricity with on-time,
late and missing periods, the chamber quarterly, amber lights with reasons, the ladder run."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from partnerships.models import Deliverable, EscalationStep
from partnerships.selectors_obligations import completeness

pytestmark = pytest.mark.django_db


def test_the_demo_deliverables_have_a_history_and_credible_lights(client):
    call_command("load_demo", stdout=io.StringIO())
    admin = get_user_model().objects.get(username="admin")
    records = {r.label: r for r in completeness(admin)}
    electricity = records["Household electricity consumption by municipality"]
    chamber = records["New and closed businesses by activity"]
    assert Deliverable.objects.get(title=electricity.label).frequency == "monthly"
    assert Deliverable.objects.get(title=chamber.label).frequency == "quarterly"
    # History counted back from today: 11 periods answered or skipped as the demo says, and
    # the period just due is missing too once its due day (the 10th) has passed.
    assert (electricity.on_time, electricity.late) == (8, 2)
    assert electricity.missing in (1, 2) and electricity.expected == 10 + electricity.missing
    assert electricity.validated_first_try == electricity.delivered - 1  # one retry
    assert (chamber.on_time, chamber.late) == (2, 1)
    assert chamber.missing in (0, 1) and chamber.expected == 3 + chamber.missing
    assert {electricity.light, chamber.light} == {"amber"}
    # The missing periods have been escalated past the partner's managers.
    assert set(EscalationStep.objects.values_list("step", flat=True)) >= {"managers", "coordinator"}
    client.force_login(get_user_model().objects.get(username="partner.power"))
    page = client.get("/portal/").content.decode()
    assert "Household electricity consumption by municipality" in page
    assert "New and closed businesses by activity" not in page  # the chamber's, not theirs
    # Loading again changes nothing.
    call_command("load_demo", stdout=io.StringIO())
    assert sum(r.expected for r in completeness(admin)) == electricity.expected + chamber.expected
