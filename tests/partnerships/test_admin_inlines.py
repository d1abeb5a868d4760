"""Admin inlines go through the services: a party the service refuses is refused here too."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django import forms
from django.db import models
from django.urls import reverse
from django.utils import timezone

from ddms_platform.core.audit import audit_history
from partnerships.choices import ActivityKind, ObjectiveStatus, TargetDirection
from partnerships.models import Activity, AgreementParty, CaseObjective, Contact

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


# --- The other inlines: objectives, targets, activities, contacts -------------------------------


def _encode(field, value):
    if isinstance(field, forms.JSONField):
        return json.dumps(value if value is not None else field.initial or [])
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value)
        return [local.date().isoformat(), local.time().strftime("%H:%M:%S")]
    if isinstance(value, (list, tuple)):
        return [getattr(v, "pk", v) for v in value]
    if isinstance(value, models.Model):
        return value.pk
    return "" if value is None else value


def _put(data, name, field, value):
    encoded = _encode(field, value)
    if isinstance(field, forms.SplitDateTimeField):
        if isinstance(encoded, list):
            data[f"{name}_0"], data[f"{name}_1"] = encoded
        else:
            data[f"{name}_0"] = data[f"{name}_1"] = ""
    elif isinstance(field, forms.BooleanField):
        if value:
            data[name] = "on"
    else:
        data[name] = encoded


def _change_form(admin_client, url):
    """The change form's data as the browser would send it back unchanged, inlines included."""
    context = admin_client.get(url).context
    form = context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        _put(data, name, field, form.initial.get(name, field.initial))
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(
            {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
        )
        for sub in formset.initial_forms:
            for name, field in sub.fields.items():
                value = sub.initial.get(
                    name, getattr(sub.instance, name, None) if name != "DELETE" else None
                )
                if name == "id":
                    value = sub.instance.pk
                elif isinstance(field, forms.ModelChoiceField) and hasattr(value, "pk"):
                    value = value.pk
                _put(data, sub.add_prefix(name), field, value)
    return data


def _add_row(data, prefix, row):
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in row.items():
        if isinstance(value, dt.datetime):
            local = timezone.localtime(value)
            data[f"{prefix}-{index}-{name}_0"] = local.date().isoformat()
            data[f"{prefix}-{index}-{name}_1"] = local.time().strftime("%H:%M:%S")
        else:
            data[f"{prefix}-{index}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = index + 1
    return data


def _refused(response):
    assert response.status_code == 200, response.status_code
    errors = response.context["inline_admin_formsets"]
    return " ".join(str(e) for i in errors for e in i.formset.non_form_errors())


def test_a_case_study_objective_the_service_refuses_is_refused(registry, admin_client):
    case = registry.case_study
    url = reverse("admin:partnerships_casestudy_change", args=[case.pk])
    data = _change_form(admin_client, url)
    for position, text in enumerate(["Better heating data", "better  heating data"]):
        row = {"position": position, "objective": text, "status": ObjectiveStatus.NOT_YET}
        data = _add_row(data, "objectives", row)
    assert "the same objective as item 0" in _refused(admin_client.post(url, data))
    assert not CaseObjective.objects.filter(case_study=case).exists()


def test_an_objective_saved_in_the_admin_goes_through_the_service(registry, admin_client):
    case = registry.case_study
    url = reverse("admin:partnerships_casestudy_change", args=[case.pk])
    data = _add_row(
        _change_form(admin_client, url),
        "objectives",
        {"position": 0, "objective": "Better heating data", "status": ObjectiveStatus.NOT_YET},
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    assert list(case.objectives.values_list("objective", flat=True)) == ["Better heating data"]
    assert audit_history(case).filter(action="case_study.update").exists()


def test_a_policy_target_the_service_refuses_is_refused(registry, admin_client):
    policy = registry.policy
    before = list(policy.targets.values_list("indicator_code", flat=True))
    url = reverse("admin:partnerships_policy_change", args=[policy.pk])
    data = _add_row(
        _change_form(admin_client, url),
        "targets",
        {
            "indicator_code": "ene cons hh",
            "direction": TargetDirection.DECREASE,
            "target_value": "90",
            "target_year": "2030",
        },
    )
    assert "indicator code 'ene cons hh'" in _refused(admin_client.post(url, data))
    assert list(policy.targets.values_list("indicator_code", flat=True)) == before


def test_a_policy_target_saved_in_the_admin_goes_through_the_service(registry, admin_client):
    policy = registry.policy
    url = reverse("admin:partnerships_policy_change", args=[policy.pk])
    data = _add_row(
        _change_form(admin_client, url),
        "targets",
        {
            "indicator_code": "ENE-CONS-PUB",
            "direction": TargetDirection.DECREASE,
            "target_value": "90",
            "target_year": "2030",
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    assert set(policy.targets.values_list("indicator_code", flat=True)) == {
        "ENE-CONS-HH",
        "ENE-CONS-PUB",
    }
    assert audit_history(policy).filter(action="policy.update").exists()


def _activity_row(**extra):
    return {
        "kind": ActivityKind.SEMINAR,
        "title": "Workshop B",
        "starts_at": timezone.now() + dt.timedelta(days=20),
        "status": Activity._meta.get_field("status").default,
        **extra,
    }


def test_an_activity_the_service_refuses_is_refused(registry, admin_client):
    plan = registry.plan
    url = reverse("admin:partnerships_communicationplan_change", args=[plan.pk])
    data = _add_row(
        _change_form(admin_client, url), "activities", _activity_row(audience="martians")
    )
    assert "Unknown audience 'martians'" in _refused(admin_client.post(url, data))
    assert not plan.activities.filter(title="Workshop B").exists()


def test_an_activity_saved_in_the_admin_goes_through_the_service(registry, admin_client):
    plan = registry.plan
    url = reverse("admin:partnerships_communicationplan_change", args=[plan.pk])
    data = _add_row(_change_form(admin_client, url), "activities", _activity_row())
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    added = plan.activities.get(title="Workshop B")
    assert audit_history(added).filter(action="activity.create").exists()


def test_a_contact_the_service_refuses_is_refused(registry, admin_client):
    org = registry.partner_a
    Contact.objects.create(organisation=org, name="Ana", email="ana@example.org")
    url = reverse("admin:partnerships_organisation_change", args=[org.pk])
    data = _add_row(
        _change_form(admin_client, url), "contacts", {"name": "Ana 2", "email": "ANA@example.org"}
    )
    assert "already a contact" in _refused(admin_client.post(url, data))
    assert list(org.contacts.values_list("name", flat=True)) == ["Ana"]


def test_a_contact_saved_in_the_admin_goes_through_the_service(registry, admin_client):
    org = registry.partner_a
    url = reverse("admin:partnerships_organisation_change", args=[org.pk])
    data = _add_row(
        _change_form(admin_client, url), "contacts", {"name": "Bojan", "email": "b@example.org"}
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    added = org.contacts.get(name="Bojan")
    assert audit_history(added).filter(action="contact.create").exists()
