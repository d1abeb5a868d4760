"""Admin inlines go through the services: a party the service refuses is refused here too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ddms_platform.core.audit import audit_history
from partnerships.models import AgreementParty

pytestmark = pytest.mark.django_db


def _post(admin_client, agreement, parties):
    url = reverse("admin:partnerships_agreement_change", args=[agreement.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    existing = list(agreement.party_links.order_by("pk"))
    data.update(
        {
            "domains": '["energy"]',
            "nsi_resources": "[]",
            "party_links-TOTAL_FORMS": len(parties),
            "party_links-INITIAL_FORMS": len(existing),
            "documents-TOTAL_FORMS": 0,
            "documents-INITIAL_FORMS": 0,
        }
    )
    data.pop("created_by", None)
    for i, org in enumerate(parties):
        data[f"party_links-{i}-organisation"] = org.pk
        data[f"party_links-{i}-resources"] = "[]"
        data[f"party_links-{i}-agreement"] = agreement.pk
        if i < len(existing):
            data[f"party_links-{i}-id"] = existing[i].pk
    return admin_client.post(url, data)


def test_an_inline_naming_the_nsi_as_its_own_partner_is_refused(registry, admin_client):
    agreement = registry.agreement
    before = list(agreement.party_links.values_list("organisation_id", flat=True))
    response = _post(admin_client, agreement, [registry.partner_a, registry.nsi])
    assert response.status_code == 200
    assert "the NSI is not its own partner" in response.content.decode()
    assert list(agreement.party_links.values_list("organisation_id", flat=True)) == before


def test_an_inline_naming_a_partner_twice_is_refused(registry, admin_client):
    agreement = registry.agreement
    partner = registry.partner_a
    response = _post(admin_client, agreement, [partner, partner])
    html = response.content.decode()
    assert response.status_code == 200 and ("twice" in html or "duplicate" in html)
    assert AgreementParty.objects.filter(agreement=agreement).count() == 1


def test_a_valid_inline_change_is_saved_by_the_service_and_audited(registry, admin_client):
    agreement = registry.agreement
    response = _post(admin_client, agreement, [registry.partner_a, registry.partner_b])
    assert response.status_code == 302, response.context and response.context.get("errors")
    assert set(agreement.party_links.values_list("organisation_id", flat=True)) >= {
        registry.partner_b.pk
    }
    assert audit_history(agreement).filter(action="agreement.update").exists()
