"""Organisations, contacts and memberships: services and API."""

from __future__ import annotations

import pytest

from ddms_platform.core.audit import audit_history
from partnerships import services
from partnerships.models import Contact, Membership, Organisation
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_nsi_staff_creates_an_organisation_and_it_is_audited(world, api):
    response = api(world.nsi_manager).post(
        "/api/v1/organisations/",
        {"name": "Chamber Šumadija", "kind": "chamber", "country": "RS"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    org = Organisation.objects.get(pk=response.json()["id"])
    assert audit_history(org).get().action == "organisation.create"


def test_duplicate_organisation_name_is_a_field_error(world, api):
    response = api(world.nsi_manager).post(
        "/api/v1/organisations/",
        {"name": world.partner_a.name, "kind": "company", "country": "RS"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]


def test_regional_office_needs_an_nsi_parent(world, api):
    response = api(world.nsi_manager).post(
        "/api/v1/organisations/",
        {"name": "Office Niš", "kind": "nsi_regional", "country": "RS", "parent": world.city.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "parent" in response.json()["error"]["fields"]


def test_update_audits_before_and_after(world):
    services.organisation_update(
        organisation=world.partner_a, actor=world.nsi_manager, data={"short_name": "EPS"}
    )
    entry = audit_history(world.partner_a).get()
    assert entry.before == {"short_name": ""} and entry.after == {"short_name": "EPS"}


def test_an_update_that_changes_nothing_writes_no_entry(world):
    services.organisation_update(
        organisation=world.partner_a, actor=world.nsi_manager, data={"name": world.partner_a.name}
    )
    assert not audit_history(world.partner_a).exists()


def test_partner_sees_own_organisation_and_the_nsi_only(world, api):
    names = {
        o["name"] for o in api(world.partner_a_user).get("/api/v1/organisations/").json()["results"]
    }
    assert names == {world.partner_a.name, world.nsi.name, world.regional.name}


def test_partner_cannot_create_or_edit_organisations(world, api):
    client = api(world.partner_a_user)
    assert client.post("/api/v1/organisations/", {"name": "X"}).status_code == 403
    own = client.patch(f"/api/v1/organisations/{world.partner_a.pk}/", {"name": "Y"})
    assert own.status_code == 403
    other = client.patch(f"/api/v1/organisations/{world.partner_b.pk}/", {"name": "Y"})
    assert other.status_code == 404


def test_partner_manager_keeps_own_contacts(world, api):
    MembershipFactory(
        user=UserFactory(username="pa-boss"), organisation=world.partner_a, role="manager"
    )
    boss = Membership.objects.get(user__username="pa-boss").user
    client = api(boss)
    created = client.post(
        "/api/v1/contacts/",
        {"organisation": world.partner_a.pk, "name": "Ana Petrović", "email": "ana@example.org"},
    )
    assert created.status_code == 201, created.json()
    contact_id = created.json()["id"]
    assert (
        client.patch(f"/api/v1/contacts/{contact_id}/", {"position": "Head of data"}).status_code
        == 200
    )
    actions = [e.action for e in audit_history(Contact.objects.get(pk=contact_id))]
    assert actions == ["contact.update", "contact.create"]
    assert client.delete(f"/api/v1/contacts/{contact_id}/").status_code == 204
    assert audit_history(world.partner_a).first().action == "contact.remove"


def test_partner_manager_naming_another_org_in_a_contact_is_400(world, api):
    boss = MembershipFactory(organisation=world.partner_a, role="manager").user
    response = api(boss).post(
        "/api/v1/contacts/", {"organisation": world.partner_b.pk, "name": "Spy"}
    )
    assert response.status_code == 400
    assert "organisation" in response.json()["error"]["fields"]
    assert not Contact.objects.exists()


def test_plain_partner_member_cannot_add_contacts(world, api):
    response = api(world.partner_a_user).post(
        "/api/v1/contacts/", {"organisation": world.partner_a.pk, "name": "Someone"}
    )
    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_nsi_staff_adds_changes_and_removes_a_membership(world, api):
    client = api(world.nsi_manager)
    user = UserFactory(username="newcomer")
    created = client.post(
        "/api/v1/memberships/",
        {"user": user.pk, "organisation": world.partner_a.pk, "role": "viewer"},
    )
    assert created.status_code == 201, created.json()
    url = f"/api/v1/memberships/{created.json()['id']}/"
    assert client.patch(url, {"role": "manager"}).status_code == 200
    assert client.delete(url).status_code == 204
    actions = [e.action for e in audit_history(world.partner_a)]
    assert actions == ["membership.remove", "membership.update", "membership.add"]


def test_second_membership_for_the_same_user_is_a_field_error(world, api):
    response = api(world.nsi_manager).post(
        "/api/v1/memberships/",
        {"user": world.partner_a_user.pk, "organisation": world.partner_a.pk},
    )
    assert response.status_code == 400
    assert "user" in response.json()["error"]["fields"]


def test_partner_lists_only_own_memberships_and_cannot_add(world, api):
    client = api(world.partner_a_user)
    rows = client.get("/api/v1/memberships/").json()["results"]
    assert {r["organisation"] for r in rows} == {world.partner_a.pk}
    response = client.post(
        "/api/v1/memberships/", {"user": world.partner_a_user.pk, "organisation": world.nsi.pk}
    )
    assert response.status_code == 403


def test_nsi_viewer_reads_but_cannot_write(world, api):
    viewer = MembershipFactory(organisation=world.nsi, role="viewer").user
    client = api(viewer)
    assert client.get("/api/v1/agreements/").status_code == 200
    response = client.post("/api/v1/organisations/", {"name": "X", "kind": "ngo", "country": "RS"})
    assert response.status_code == 403
