"""The back-office: every registry model's pages open, saves and actions go through services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ddms_platform.core.audit import audit_history
from partnerships.models import (
    Activity,
    Agreement,
    AgreementDocument,
    CaseStudy,
    CommunicationPlan,
    Contact,
    Country,
    KnowledgeArticle,
    Membership,
    Organisation,
    Pilot,
    Policy,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(registry, client):
    client.force_login(registry.admin)
    return client


def _objects(r):
    contact = Contact.objects.create(organisation=r.partner_a, name="<script>x</script> Ana")
    document = AgreementDocument.objects.create(
        agreement=r.agreement,
        title="MoU",
        version=1,
        file="agreements/x/mou.pdf",
        original_name="mou.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    return {
        Country: r.country,
        Organisation: r.partner_a,
        Contact: contact,
        Membership: Membership.objects.filter(organisation=r.partner_a).first(),
        Agreement: r.agreement,
        AgreementDocument: document,
        CaseStudy: r.case_study,
        Pilot: r.pilot,
        Policy: r.policy,
        CommunicationPlan: r.plan,
        Activity: r.activity,
        KnowledgeArticle: r.draft,
    }


def test_changelist_and_change_page_of_every_model_answer_200(registry, admin_client):
    for model, obj in _objects(registry).items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        assert admin_client.get(changelist).status_code == 200, changelist
        page = admin_client.get(change)
        assert page.status_code == 200, change
        assert b"<script>x</script>" not in page.content


def test_add_pages_answer_200(registry, admin_client):
    for model in (Organisation, Agreement, Pilot, CommunicationPlan, KnowledgeArticle):
        meta = model._meta
        assert (
            admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code
            == 200
        )


def test_change_page_shows_the_audit_trail(registry, admin_client):
    from partnerships import services

    services.agreement_transition(
        agreement=registry.agreement, target="negotiation", actor=registry.nsi_manager
    )
    page = admin_client.get(
        reverse("admin:partnerships_agreement_change", args=[registry.agreement.pk])
    )
    assert b"agreement.transition.negotiation" in page.content


def test_transition_action_goes_through_the_service(registry, admin_client):
    response = admin_client.post(
        reverse("admin:partnerships_agreement_changelist"),
        {
            "action": "transition_to_negotiation",
            "_selected_action": [registry.agreement.pk, registry.other_agreement.pk],
        },
        follow=True,
    )
    assert response.status_code == 200
    assert set(Agreement.objects.values_list("state", flat=True)) == {"negotiation"}
    entry = audit_history(registry.agreement).get()
    assert entry.action == "agreement.transition.negotiation" and entry.actor == registry.admin


def test_illegal_transition_action_reports_and_changes_nothing(registry, admin_client):
    response = admin_client.post(
        reverse("admin:partnerships_agreement_changelist"),
        {"action": "transition_to_active", "_selected_action": [registry.agreement.pk]},
        follow=True,
    )
    assert b"Allowed from" in response.content
    assert Agreement.objects.get(pk=registry.agreement.pk).state == "draft"
    assert not audit_history(registry.agreement).exists()


def test_publish_action_goes_through_the_service(registry, admin_client):
    admin_client.post(
        reverse("admin:partnerships_knowledgearticle_changelist"),
        {"action": "publish_articles", "_selected_action": [registry.draft.pk]},
        follow=True,
    )
    assert KnowledgeArticle.objects.get(pk=registry.draft.pk).is_published
    assert audit_history(registry.draft).get().action == "article.publish"


def test_admin_edit_is_saved_by_the_service_and_audited(registry, admin_client):
    url = reverse("admin:partnerships_organisation_change", args=[registry.partner_b.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(
        {
            "short_name": "UNI",
            "country": registry.country.pk,
            "contacts-TOTAL_FORMS": 0,
            "contacts-INITIAL_FORMS": 0,
            "memberships-TOTAL_FORMS": 1,
            "memberships-INITIAL_FORMS": 1,
            "memberships-0-id": Membership.objects.get(organisation=registry.partner_b).pk,
            "memberships-0-organisation": registry.partner_b.pk,
        }
    )
    data.pop("parent", None)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = audit_history(registry.partner_b).get()
    assert entry.action == "organisation.update" and entry.after == {"short_name": "UNI"}


def test_admin_form_shows_service_rule_as_a_field_error(registry, admin_client):
    url = reverse("admin:partnerships_agreement_change", args=[registry.agreement.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(
        {
            "nsi": registry.partner_a.pk,  # not an NSI
            "domains": '["energy"]',
            "nsi_resources": "[]",
            "party_links-TOTAL_FORMS": 0,
            "party_links-INITIAL_FORMS": 0,
            "documents-TOTAL_FORMS": 0,
            "documents-INITIAL_FORMS": 0,
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "nsi" in response.context["adminform"].form.errors
    assert Agreement.objects.get(pk=registry.agreement.pk).nsi == registry.nsi
    assert not audit_history(registry.agreement).exists()
