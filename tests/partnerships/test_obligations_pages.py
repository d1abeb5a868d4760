"""Pages of recurring obligations: the agreement's deliverables, periods, progress and case
study measured beside its narrative; the ladder on the request page; forbidden paths."""

from __future__ import annotations

import pytest

from partnerships.models import CaseStudy, EscalationStep, ProgressReport
from partnerships.services import case_study_create, case_study_update
from partnerships.services.obligations import escalation_run
from tests.partnerships.obligations_support import completeness_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world):
    world.monthly, world.quarterly, world.today = completeness_fixture(world)
    return world


def test_the_agreement_page_lists_the_periods_and_the_completeness(history, client):
    client.force_login(history.partner_a_user)
    page = client.get(f"/agreements/{history.monthly.agreement_id}/").content.decode()
    assert "Electricity consumption" in page
    for period in ("2026-01", "2026-04", "2026-07"):
        assert period in page
    assert 'class="period-missing"' in page and 'class="period-late"' in page
    assert "Progress self-report" in page


def test_a_partner_cannot_open_another_partners_agreement(history, client):
    client.force_login(history.partner_a_user)
    assert client.get(f"/agreements/{history.quarterly.agreement_id}/").status_code == 404


def test_a_party_sends_the_yearly_progress_report_from_the_page(history, client):
    client.force_login(history.partner_a_user)
    url = f"/agreements/{history.monthly.agreement_id}/progress/"
    response = client.post(url, {"summary": "Six months delivered."})
    assert response.status_code == 302
    assert ProgressReport.objects.get().summary == "Six months delivered."


def test_another_partner_cannot_report_progress_for_an_agreement(history, client):
    client.force_login(history.partner_b_user)
    url = f"/agreements/{history.monthly.agreement_id}/progress/"
    assert client.post(url, {"summary": "x"}).status_code == 404
    assert not ProgressReport.objects.exists()


def test_the_request_page_shows_the_ladder_steps(history, client):
    request = history.monthly.data_requests.get(period="2026-06")  # missing, due 15 July
    escalation_run(today=history.today)
    assert EscalationStep.objects.filter(request=request).exists()
    client.force_login(history.nsi_manager)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert "Escalation" in page and "Partner&#x27;s managers" in page
    assert "2026-06" in page


def test_the_nsi_overview_shows_rates_by_partner_and_nsi(history, client):
    client.force_login(history.nsi_manager)
    page = client.get("/nsi/").content.decode()
    assert "Reporting rates of recurring deliverables" in page
    assert "University" in page and "Statistical Office" in page


def test_case_study_objectives_show_measured_figures_beside_the_narrative(history, client):
    case = case_study_create(
        actor=history.nsi_manager,
        agreement=history.monthly.agreement,
        title="Energy lessons",
        objectives=[
            {
                "objective": "Monthly feed",
                "achieved_outcome": "Mostly on time",
                "deliverables": [history.monthly],
                "indicator_codes": ["EN-1"],
            }
        ],
    )
    client.force_login(history.nsi_manager)
    page = client.get(f"/agreements/{history.monthly.agreement_id}/").content.decode()
    assert "Mostly on time" in page
    # Counted today (after every fixture period is due): 7 expected, 4 delivered.
    assert "Electricity consumption: 4 of 7 periods delivered, 3 on time" in page
    assert "EN-1: nothing published yet" in page
    assert CaseStudy.objects.get(pk=case.pk).objectives.get().deliverables.get() == history.monthly


def test_an_objective_cannot_name_another_agreements_deliverable(history):
    from django.core.exceptions import ValidationError

    case = case_study_create(
        actor=history.nsi_manager, agreement=history.monthly.agreement, title="Lessons"
    )
    with pytest.raises(ValidationError):
        case_study_update(
            case_study=case,
            actor=history.nsi_manager,
            data={},
            objectives=[{"objective": "x", "deliverables": [history.quarterly]}],
        )


def test_the_partner_value_page_is_linked_from_the_portal(history, client):
    client.force_login(history.partner_a_user)
    page = client.get("/portal/").content.decode()
    assert "/portal/value/" in page
    assert "My recurring deliverables" in page
    # the portal lists only the partner's own deliverables:
    assert "Registrations" not in page
