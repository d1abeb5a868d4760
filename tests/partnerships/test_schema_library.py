"""The schema library: an NSI saves, shares and starts requests from Table Schema templates."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from ddms_platform.core.models import AuditEntry
from partnerships.choices import OrganisationKind
from partnerships.models import SchemaTemplate

from ..factories import MembershipFactory, OrganisationFactory, UserFactory
from .requests_support import acquisition

pytestmark = pytest.mark.django_db
URL = "/api/v1/schema-templates/"
SCHEMA = {"fields": [{"name": "district"}, {"name": "value", "type": "number"}]}


@pytest.fixture
def other_nsi(world):
    """A second NSI of the network with one staff member."""
    nsi = OrganisationFactory(name="Other NSI", kind=OrganisationKind.NSI, country=world.country)
    user = MembershipFactory(
        user=UserFactory(username="other"), organisation=nsi, role="manager"
    ).user
    return nsi, user


def _create(api, user, owner, **extra):
    body = {"name": "Households", "table_schema": SCHEMA, "owner": owner.pk, **extra}
    return api(user).post(URL, body, format="json")


def test_nsi_staff_save_a_template_for_their_office(world, api):
    response = _create(api, world.nsi_manager, world.nsi, dialect={"delimiter": ";"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["shared_with_network"] is False and body["shared_at"] is None
    assert SchemaTemplate.objects.get(pk=body["id"]).dialect == {"delimiter": ";"}


def test_an_invalid_schema_is_refused_on_its_field(world, api):
    response = _create(api, world.nsi_manager, world.nsi, table_schema={"fields": "nope"})
    assert response.status_code == 400
    assert "table_schema" in json.dumps(response.json())


@pytest.mark.parametrize("who", ["partner_a_user", "city_user", "outsider"])
def test_others_cannot_save_templates(world, api, who):
    assert _create(api, getattr(world, who), world.nsi).status_code in (403, 400)
    assert not SchemaTemplate.objects.exists()


def test_a_partner_cannot_save_a_template_for_itself(world, api):
    # a partner is no NSI: refused whatever the owner
    assert _create(api, world.partner_a_user, world.partner_a).status_code in (400, 403)


def test_templates_are_private_to_their_nsi_until_shared(world, api, other_nsi):
    nsi, other = other_nsi
    template = SchemaTemplate.objects.create(owner=nsi, name="Private", table_schema=SCHEMA)
    detail = f"{URL}{template.pk}/"
    assert api(other).get(detail).status_code == 200
    for user in (world.partner_a_user, world.city_user):
        assert api(user).get(detail).status_code == 404
        assert api(user).get(URL).json()["count"] == 0
    response = api(other).post(f"{detail}share/", {"shared": True}, format="json")
    assert response.status_code == 200 and response.json()["shared_at"]
    assert api(world.partner_a_user).get(detail).status_code == 404  # staff of NSIs only
    assert api(world.nsi_manager).get(detail).status_code == 200


def test_only_the_owners_staff_may_share_or_edit(world, api, other_nsi):
    nsi, other = other_nsi
    template = SchemaTemplate.objects.create(
        owner=nsi, name="Shared", table_schema=SCHEMA, shared_with_network=True
    )
    detail = f"{URL}{template.pk}/"
    assert (
        api(world.nsi_manager).post(f"{detail}share/", {"shared": False}, format="json").status_code
        == 403
    )
    assert api(world.nsi_manager).patch(detail, {"name": "Mine"}, format="json").status_code == 403
    assert api(other).patch(detail, {"name": "Renamed"}, format="json").status_code == 200
    template.refresh_from_db()
    assert template.name == "Renamed" and template.shared_with_network is True


def test_the_list_runs_a_constant_number_of_queries(world, api, django_assert_num_queries):
    for i in range(3):
        SchemaTemplate.objects.create(owner=world.nsi, name=f"T{i}", table_schema=SCHEMA)
    client = api(world.nsi_manager)
    client.get(URL)  # warm the per-user caches
    with django_assert_num_queries(2):  # count + page (owners joined)
        assert client.get(URL).json()["count"] == 3


def _page(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url)


def test_a_request_starts_from_a_template_or_an_earlier_request(world):
    template = SchemaTemplate.objects.create(owner=world.nsi, name="T", table_schema=SCHEMA)
    html = _page(world.nsi_manager, f"/nsi/requests/new/?template={template.pk}").content.decode()
    assert "&quot;district&quot;" in html
    earlier = acquisition(world, table_schema={"fields": [{"name": "earlier_col"}]})
    html = _page(
        world.nsi_manager, f"/nsi/requests/new/?from_request={earlier.pk}"
    ).content.decode()
    assert "earlier_col" in html
    blank = _page(world.nsi_manager, "/nsi/requests/new/").content.decode()
    assert ">null</textarea>" not in blank


def test_a_foreign_template_does_not_prefill(world, other_nsi):
    nsi, _other = other_nsi
    template = SchemaTemplate.objects.create(
        owner=nsi, name="Private", table_schema={"fields": [{"name": "secret_col"}]}
    )
    # NSI staff see every NSI's rows until tenancy narrows it; a partner never reaches the page
    assert (
        _page(world.partner_a_user, f"/nsi/requests/new/?template={template.pk}").status_code == 404
    )


def test_the_library_page_lists_and_shares(world):
    template = SchemaTemplate.objects.create(owner=world.nsi, name="Energy", table_schema=SCHEMA)
    html = _page(world.nsi_manager, "/nsi/schemas/").content.decode()
    assert "Energy" in html and f"?template={template.pk}" in html
    client = Client()
    client.force_login(world.nsi_manager)
    client.post(f"/nsi/schemas/{template.pk}/share/", {"shared": "1"})
    template.refresh_from_db()
    assert template.shared_with_network is True and template.shared_at is not None
    assert template.shared_by == world.nsi_manager  # the network's one switch (who, when)
    assert AuditEntry.objects.filter(action="schema_template.share").count() == 1
    client.post(f"/nsi/schemas/{template.pk}/share/", {"shared": "1"})  # twice is one change
    assert AuditEntry.objects.filter(action="schema_template.share").count() == 1
    assert _page(world.partner_a_user, "/nsi/schemas/").status_code == 404
