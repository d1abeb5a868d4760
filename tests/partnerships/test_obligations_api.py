"""API of deliverables, completeness, and data requests' deliverable and period."""

from __future__ import annotations

import datetime as dt

import pytest

from ddms_platform.core.models import AuditEntry
from partnerships.models import Deliverable
from partnerships.services.obligations import periods_generate
from tests.factories import SIMPLE_SCHEMA, AgreementFactory
from tests.partnerships.obligations_support import completeness_fixture, make_deliverable

pytestmark = pytest.mark.django_db


def body(world, agreement, **overrides):
    return {
        "agreement": agreement.pk,
        "provider": world.partner_a.pk,
        "title": "Electricity consumption",
        "purpose": "Energy indicators",
        "legal_basis": "Law on official statistics, art. 26",
        "table_schema": SIMPLE_SCHEMA,
        "dialect": {"delimiter": ";"},
        "frequency": "monthly",
        "due_days": 15,
        "first_period": "2026-01",
        **overrides,
    }


def test_nsi_staff_create_a_deliverable_and_the_change_is_audited(world, api):
    agreement = AgreementFactory(nsi=world.nsi, partners=[world.partner_a], state="active")
    response = api(world.nsi_manager).post(
        "/api/v1/deliverables/", body(world, agreement), format="json"
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    response = api(world.nsi_manager).patch(
        f"/api/v1/deliverables/{pk}/", {"due_days": 20}, format="json"
    )
    assert response.status_code == 200, response.json()
    entry = AuditEntry.objects.get(action="deliverable.update")
    assert (entry.before, entry.after) == ({"due_days": 15}, {"due_days": 20})
    assert AuditEntry.objects.filter(action="deliverable.create", object_id=str(pk)).exists()


def test_a_partner_cannot_create_a_deliverable(world, api):
    agreement = AgreementFactory(nsi=world.nsi, partners=[world.partner_a], state="active")
    response = api(world.partner_a_user).post(
        "/api/v1/deliverables/", body(world, agreement), format="json"
    )
    assert response.status_code == 403
    assert not Deliverable.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"first_period": "2026-Q1"}, "first_period"),
        ({"first_period": "1026-01"}, "first_period"),
        ({"last_period": "2025-12"}, "last_period"),
        ({"provider": "partner_b"}, "provider"),
        ({"table_schema": {"fields": "nope"}}, "table_schema"),
    ],
)
def test_an_unusable_deliverable_is_refused_naming_the_field(world, api, overrides, field):
    agreement = AgreementFactory(nsi=world.nsi, partners=[world.partner_a], state="active")
    if overrides.get("provider") == "partner_b":
        overrides = {"provider": world.partner_b.pk}
    response = api(world.nsi_manager).post(
        "/api/v1/deliverables/", body(world, agreement, **overrides), format="json"
    )
    assert response.status_code == 400
    assert field in str(response.json())


def test_a_mou_has_no_deliverables(world, api):
    agreement = AgreementFactory(nsi=world.nsi, partners=[world.partner_a], type="mou")
    response = api(world.nsi_manager).post(
        "/api/v1/deliverables/", body(world, agreement), format="json"
    )
    assert response.status_code == 400


def test_a_partner_lists_only_the_deliverables_it_owes(world, api):
    own = make_deliverable(world)
    other = make_deliverable(world, provider=world.partner_b, title="Other")
    ids = [
        d["id"] for d in api(world.partner_a_user).get("/api/v1/deliverables/").json()["results"]
    ]
    assert ids == [own.pk]
    assert api(world.partner_a_user).get(f"/api/v1/deliverables/{other.pk}/").status_code == 404
    assert api(world.outsider).get("/api/v1/deliverables/").json()["count"] == 0
    assert api(None).get("/api/v1/deliverables/").status_code in (401, 403)


def test_deliverables_filter_by_frequency(world, api):
    make_deliverable(world)
    quarterly = make_deliverable(world, frequency="quarterly", first_period="2026-Q1", title="Q")
    rows = api(world.nsi_manager).get("/api/v1/deliverables/?frequency=quarterly").json()["results"]
    assert [r["id"] for r in rows] == [quarterly.pk]


def test_the_deliverable_list_takes_the_same_queries_for_2_and_10_rows(
    world, api, django_assert_num_queries
):
    counts = []
    for n in (2, 8):
        for i in range(n):
            make_deliverable(world, title=f"D{n}-{i}")
        client = api(world.nsi_manager)
        client.get("/api/v1/deliverables/")  # warm the per-user membership cache
        with django_assert_num_queries(2) as captured:
            response = client.get("/api/v1/deliverables/")
        counts.append(len(captured))
        assert response.status_code == 200
    assert counts == [2, 2]


def test_data_requests_carry_their_deliverable_and_period_and_filter_by_it(world, api):
    deliverable = make_deliverable(world, first_period="2026-01")
    other = make_deliverable(world, first_period="2026-01", title="Other")
    periods_generate(today=dt.date(2026, 2, 1))
    rows = (
        api(world.partner_a_user)
        .get(f"/api/v1/data-requests/?deliverable={deliverable.pk}&ordering=due_on")
        .json()["results"]
    )
    assert [(r["deliverable"], r["period"]) for r in rows] == [
        (deliverable.pk, "2026-01"),
        (deliverable.pk, "2026-02"),
    ]
    assert other.pk not in {r["deliverable"] for r in rows}


def test_completeness_by_partner_through_the_api(world, api, django_assert_num_queries):
    completeness_fixture(world)
    client = api(world.nsi_manager)
    client.get("/api/v1/completeness/?group=partner")  # warm the per-user membership cache
    with django_assert_num_queries(1):
        response = client.get("/api/v1/completeness/?group=partner")
    rows = {r["name"]: r for r in response.json()}
    assert set(rows) == {"Power Company", "University"}
    assert rows["University"]["expected"] >= 1


def test_completeness_is_scoped_and_checks_its_parameters(world, api):
    completeness_fixture(world)
    assert [
        r["name"]
        for r in api(world.partner_b_user).get("/api/v1/completeness/?group=partner").json()
    ] == ["University"]
    assert api(world.outsider).get("/api/v1/completeness/").json() == []
    assert api(world.nsi_manager).get("/api/v1/completeness/?group=city").status_code == 400
    assert api(world.nsi_manager).get("/api/v1/completeness/?agreement=x").status_code == 400
    assert api(None).get("/api/v1/completeness/").status_code in (401, 403)


def test_a_requests_escalation_steps_through_the_api(world, api):
    from partnerships.services.obligations import escalation_run
    from tests.factories import DataRequestFactory

    request = DataRequestFactory(
        requester=world.nsi, provider=world.partner_a, state="sent", due_on=dt.date(2026, 2, 12)
    )
    escalation_run(today=dt.date(2026, 3, 2))
    rows = api(world.partner_a_user).get(f"/api/v1/data-requests/{request.pk}/escalation/").json()
    assert [r["step"] for r in rows] == ["managers", "coordinator"]
    assert rows[1]["people_told"] == 1  # the NSI's manager
    forbidden = api(world.partner_b_user).get(f"/api/v1/data-requests/{request.pk}/escalation/")
    assert forbidden.status_code == 404


def test_the_frequency_is_fixed_once_periods_were_requested(world, api):
    deliverable = make_deliverable(world, first_period="2026-01")
    periods_generate(today=dt.date(2026, 1, 2))
    response = api(world.nsi_manager).patch(
        f"/api/v1/deliverables/{deliverable.pk}/",
        {"frequency": "quarterly", "first_period": "2026-Q1"},
        format="json",
    )
    assert response.status_code == 400
    assert "frequency" in str(response.json())
