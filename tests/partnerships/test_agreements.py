"""Agreement lifecycle, parties and history through the services and the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ddms_platform.core.audit import audit_history
from ddms_platform.core.errors import IllegalTransition, NotPermitted
from ddms_platform.notify.models import OutboxEvent
from partnerships import services
from partnerships.models import Agreement

pytestmark = pytest.mark.django_db


def test_each_legal_transition_is_applied_and_audited(registry):
    agreement = registry.agreement
    for target in ("negotiation", "signed", "active", "suspended", "active", "expired"):
        agreement = services.agreement_transition(
            agreement=agreement, target=target, actor=registry.nsi_manager
        )
        assert agreement.state == target
    actions = [e.action for e in audit_history(agreement)]
    assert actions[:6] == [
        "agreement.transition.expired",
        "agreement.transition.active",
        "agreement.transition.suspended",
        "agreement.transition.active",
        "agreement.transition.signed",
        "agreement.transition.negotiation",
    ]
    entry = audit_history(agreement).first()
    assert entry.actor == registry.nsi_manager
    assert entry.before["state"] == "active" and entry.after["state"] == "expired"
    assert OutboxEvent.objects.filter(kind="agreement.transitioned").count() == 6


def test_signing_sets_signed_on_when_empty(registry):
    agreement = services.agreement_transition(
        agreement=registry.agreement, target="negotiation", actor=registry.nsi_manager
    )
    agreement = services.agreement_transition(
        agreement=agreement, target="signed", actor=registry.nsi_manager
    )
    assert agreement.signed_on is not None


def test_illegal_transition_raises_and_changes_nothing(registry):
    with pytest.raises(IllegalTransition) as info:
        services.agreement_transition(
            agreement=registry.agreement, target="active", actor=registry.nsi_manager
        )
    assert info.value.extra["allowed"] == ["negotiation", "terminated"]
    registry.agreement.refresh_from_db()
    assert registry.agreement.state == "draft"
    assert not audit_history(registry.agreement).exists()


def test_terminated_is_final(registry):
    services.agreement_transition(
        agreement=registry.agreement, target="terminated", actor=registry.nsi_manager
    )
    with pytest.raises(IllegalTransition) as info:
        services.agreement_transition(
            agreement=registry.agreement, target="draft", actor=registry.nsi_manager
        )
    assert info.value.extra["allowed"] == []


def test_partner_cannot_transition_through_the_service(registry):
    with pytest.raises(NotPermitted):
        services.agreement_transition(
            agreement=registry.agreement, target="negotiation", actor=registry.partner_a_user
        )


def test_agreement_without_parties_cannot_be_signed(registry):
    agreement = services.agreement_create(
        actor=registry.nsi_manager, reference="X-1", title="X", nsi=registry.nsi, type="mou"
    )
    services.agreement_transition(agreement=agreement, target="negotiation", actor=registry.admin)
    with pytest.raises(Exception, match="at least one partner"):
        services.agreement_transition(agreement=agreement, target="signed", actor=registry.admin)


def test_unknown_domain_is_a_field_error(registry):
    with pytest.raises(ValidationError) as info:
        services.agreement_create(
            actor=registry.nsi_manager,
            reference="X-2",
            title="X",
            nsi=registry.nsi,
            type="mou",
            domains=["energy", "astrology"],
        )
    assert "astrology" in info.value.message_dict["domains"][0]


def test_api_transition_moves_the_agreement(registry, api):
    response = api(registry.nsi_manager).post(
        f"/api/v1/agreements/{registry.agreement.pk}/transition/", {"target": "negotiation"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "negotiation"
    assert response.json()["allowed_transitions"] == ["draft", "signed", "terminated"]


def test_api_illegal_transition_is_400_naming_allowed_and_changes_nothing(registry, api):
    response = api(registry.nsi_manager).post(
        f"/api/v1/agreements/{registry.agreement.pk}/transition/", {"target": "signed"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "illegal_transition"
    assert error["allowed"] == ["negotiation", "terminated"]
    assert "negotiation, terminated" in error["message"]
    assert Agreement.objects.get(pk=registry.agreement.pk).state == "draft"
    assert not audit_history(registry.agreement).exists()


def test_api_history_lists_the_audit_entries(registry, api):
    client = api(registry.nsi_manager)
    client.post(
        f"/api/v1/agreements/{registry.agreement.pk}/transition/", {"target": "negotiation"}
    )
    history = api(registry.partner_a_user).get(
        f"/api/v1/agreements/{registry.agreement.pk}/history/"
    )
    assert history.status_code == 200
    assert history.json()[0]["action"] == "agreement.transition.negotiation"
    assert history.json()[0]["actor"] == "nsi"


def test_api_creates_agreement_with_parties_and_audits_it(registry, api):
    body = {
        "reference": "AGR-NEW",
        "title": "Electricity price forecasting",
        "nsi": registry.nsi.pk,
        "type": "data_sharing",
        "domains": ["energy", "economy"],
        "nsi_resources": ["expertise"],
        "parties": [
            {"organisation": registry.partner_a.pk, "resources": ["data"], "contribution": "Meters"}
        ],
    }
    response = api(registry.nsi_manager).post("/api/v1/agreements/", body, format="json")
    assert response.status_code == 201, response.json()
    created = Agreement.objects.get(reference="AGR-NEW")
    assert response.json()["parties"][0]["organisation_name"] == registry.partner_a.name
    entry = audit_history(created).get()
    assert entry.action == "agreement.create"
    assert entry.after["parties"][0]["organisation"] == registry.partner_a.pk


def test_api_update_replaces_parties_and_audits_the_change(registry, api):
    response = api(registry.nsi_manager).patch(
        f"/api/v1/agreements/{registry.agreement.pk}/",
        {"title": "Renamed", "parties": [{"organisation": registry.partner_b.pk}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert [p["organisation"] for p in response.json()["parties"]] == [registry.partner_b.pk]
    entry = audit_history(registry.agreement).get()
    assert entry.before["title"] != "Renamed" and entry.after["title"] == "Renamed"
    assert entry.after["parties"][0]["organisation"] == registry.partner_b.pk


def test_api_rejects_unknown_resource_with_a_field_error(registry, api):
    response = api(registry.nsi_manager).patch(
        f"/api/v1/agreements/{registry.agreement.pk}/",
        {"nsi_resources": ["gold"]},
        format="json",
    )
    assert response.status_code == 400
    assert "nsi_resources" in response.json()["error"]["fields"]


def test_api_cannot_change_state_by_update(registry, api):
    response = api(registry.nsi_manager).patch(
        f"/api/v1/agreements/{registry.agreement.pk}/", {"state": "active"}, format="json"
    )
    assert response.status_code == 200
    assert Agreement.objects.get(pk=registry.agreement.pk).state == "draft"


def test_api_filters_agreements_by_state_and_domain(registry, api):
    services.agreement_transition(
        agreement=registry.other_agreement, target="negotiation", actor=registry.admin
    )
    client = api(registry.nsi_manager)
    by_state = client.get("/api/v1/agreements/?state=negotiation").json()["results"]
    assert [a["reference"] for a in by_state] == ["AGR-B"]
    assert client.get("/api/v1/agreements/?domain=energy").json()["count"] == 2
    assert client.get("/api/v1/agreements/?domain=mobility").json()["count"] == 0
    by_party = client.get(f"/api/v1/agreements/?party={registry.partner_a.pk}").json()
    assert [a["reference"] for a in by_party["results"]] == ["AGR-A"]
    assert client.get("/api/v1/agreements/?search=AGR-B").json()["count"] == 1
