"""Pilots, their policies and indicator targets."""

from __future__ import annotations

import pytest

from ddms_platform.core.audit import audit_history
from partnerships.models import Pilot, Policy

pytestmark = pytest.mark.django_db


def _pilot_body(w, **extra):
    return {
        "name": "Kragujevac energy pilot",
        "city": "Kragujevac",
        "country": "RS",
        "nsi": w.regional.pk,
        "local_government": w.city.pk,
        "partners": [w.partner_a.pk],
        "agreements": [w.agreement.pk],
        "themes": ["energy", "local_economy"],
        "decision_relevance": "Feeds the city's energy efficiency programme.",
        **extra,
    }


def test_nsi_staff_creates_a_pilot_with_partners_and_it_is_audited(registry, api):
    response = api(registry.nsi_manager).post(
        "/api/v1/pilots/", _pilot_body(registry), format="json"
    )
    assert response.status_code == 201, response.json()
    pilot = Pilot.objects.get(pk=response.json()["id"])
    assert list(pilot.partners.all()) == [registry.partner_a]
    entry = audit_history(pilot).get()
    assert entry.action == "pilot.create" and entry.after["partners"] == [registry.partner_a.pk]


def test_decision_relevance_is_required(registry, api):
    response = api(registry.nsi_manager).post(
        "/api/v1/pilots/", _pilot_body(registry, decision_relevance="  "), format="json"
    )
    assert response.status_code == 400
    assert "decision_relevance" in response.json()["error"]["fields"]


def test_unknown_theme_is_a_field_error(registry, api):
    response = api(registry.nsi_manager).post(
        "/api/v1/pilots/", _pilot_body(registry, themes=["weather"]), format="json"
    )
    assert response.status_code == 400
    assert "themes" in response.json()["error"]["fields"]


def test_local_government_must_be_one(registry, api):
    response = api(registry.nsi_manager).post(
        "/api/v1/pilots/",
        _pilot_body(registry, local_government=registry.partner_a.pk),
        format="json",
    )
    assert response.status_code == 400
    assert "local_government" in response.json()["error"]["fields"]


def test_update_changes_partners_and_audits_it(registry, api):
    response = api(registry.nsi_manager).patch(
        f"/api/v1/pilots/{registry.pilot.pk}/",
        {"partners": [registry.partner_a.pk, registry.partner_b.pk]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    entry = audit_history(registry.pilot).get()
    assert entry.before["partners"] == [registry.partner_a.pk]
    assert sorted(entry.after["partners"]) == sorted([registry.partner_a.pk, registry.partner_b.pk])


def test_city_and_partner_see_their_pilot_other_partner_does_not(registry, api):
    for user in (registry.city_user, registry.partner_a_user):
        assert api(user).get(f"/api/v1/pilots/{registry.pilot.pk}/").status_code == 200
    assert (
        api(registry.partner_b_user).get(f"/api/v1/pilots/{registry.pilot.pk}/").status_code == 404
    )
    assert api(registry.partner_b_user).get("/api/v1/pilots/").json()["count"] == 0


def test_policy_with_targets_is_created_and_audited(registry, api):
    body = {
        "pilot": registry.pilot.pk,
        "name": "Sustainable urban mobility plan",
        "kind": "strategy",
        "targets": [
            {
                "indicator_code": "MOB-PT-SHARE",
                "target_value": "35.5",
                "target_year": 2030,
                "direction": "increase",
                "baseline_value": "22",
                "baseline_year": 2024,
            }
        ],
    }
    response = api(registry.nsi_manager).post("/api/v1/policies/", body, format="json")
    assert response.status_code == 201, response.json()
    policy = Policy.objects.get(pk=response.json()["id"])
    assert policy.targets.get().indicator_code == "MOB-PT-SHARE"
    assert audit_history(policy).get().after["targets"][0]["target_year"] == 2030


def test_policy_update_audits_target_changes_and_nothing_when_unchanged(registry, api):
    target = {
        "indicator_code": "MOB-PT-SHARE",
        "target_value": "35.500000",
        "target_year": 2030,
        "direction": "increase",
    }
    body = {"pilot": registry.pilot.pk, "name": "SUMP", "kind": "strategy", "targets": [target]}
    client = api(registry.nsi_manager)
    policy_id = client.post("/api/v1/policies/", body, format="json").json()["id"]
    policy = Policy.objects.get(pk=policy_id)
    url = f"/api/v1/policies/{policy_id}/"
    assert client.patch(url, {"targets": [target]}, format="json").status_code == 200
    assert audit_history(policy).count() == 1  # same targets: no update entry
    changed = {**target, "target_year": 2031}
    assert client.patch(url, {"targets": [changed]}, format="json").status_code == 200
    entry = audit_history(policy).first()
    assert entry.action == "policy.update"
    assert entry.before["targets"][0]["target_year"] == 2030
    assert entry.after["targets"][0]["target_year"] == 2031


def test_bad_indicator_code_names_the_item(registry, api):
    body = {
        "pilot": registry.pilot.pk,
        "name": "P",
        "kind": "programme",
        "targets": [
            {
                "indicator_code": "bad code",
                "target_value": 1,
                "target_year": 2030,
                "direction": "increase",
            }
        ],
    }
    response = api(registry.nsi_manager).post("/api/v1/policies/", body, format="json")
    assert response.status_code == 400
    assert "Item 0" in response.json()["error"]["fields"]["targets"][0]


def test_policies_filter_by_indicator_code(registry, api):
    client = api(registry.city_user)
    assert client.get("/api/v1/policies/?indicator_code=ENE-CONS-HH").json()["count"] == 1
    assert client.get("/api/v1/policies/?indicator_code=MOB-PT-SHARE").json()["count"] == 0


def test_partner_cannot_attach_a_policy_to_a_pilot_it_cannot_see(registry, api):
    response = api(registry.nsi_manager).post(
        "/api/v1/policies/", {"pilot": 999_999, "name": "P", "kind": "strategy"}, format="json"
    )
    assert response.status_code == 400
