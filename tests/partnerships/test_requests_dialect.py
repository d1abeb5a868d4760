"""A data request's CSV dialect and code-list foreign keys: checked on save, exposed in the API."""

from __future__ import annotations

import pytest

from partnerships.forms import DataRequestForm
from partnerships.models import Agreement, DataRequest, Organisation
from tests.factories import TerritoryFactory

from .requests_support import SCHEMA, acquisition, signed_agreement

pytestmark = pytest.mark.django_db
URL = "/api/v1/data-requests/"


def _payload(world, **extra):
    return {
        "direction": "acquisition",
        "title": "Electricity consumption by district",
        "purpose": "Energy indicators of the pilot.",
        "requester": world.nsi.pk,
        "provider": world.partner_a.pk,
        "agreement": signed_agreement(world).pk,
        "table_schema": SCHEMA,
        **extra,
    }


def test_a_declared_dialect_is_stored_and_returned(world, api):
    dialect = {"delimiter": "|", "headerRows": [2], "commentChar": "#"}
    response = api(world.nsi_manager).post(URL, _payload(world, dialect=dialect), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["dialect"] == dialect
    assert DataRequest.objects.get().dialect == dialect


def test_no_dialect_means_detection(world, api):
    response = api(world.nsi_manager).post(URL, _payload(world), format="json")
    assert response.status_code == 201 and response.json()["dialect"] == {}


@pytest.mark.parametrize(
    ("dialect", "word"),
    [
        ({"delimiter": "||"}, "delimiter"),
        ({"headerRows": [0]}, "headerRows"),
        ({"skipInitialSpace": "yes"}, "skipInitialSpace"),
        ({"separator": ";"}, "separator"),
        (["not", "an", "object"], "JSON object"),
    ],
)
def test_an_invalid_dialect_is_refused_naming_the_key(world, api, dialect, word):
    response = api(world.nsi_manager).post(URL, _payload(world, dialect=dialect), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_dialect" and word in error["fields"]["dialect"][0]
    assert not DataRequest.objects.exists()


def test_a_draft_dialect_can_be_edited(world, api):
    req = acquisition(world)
    response = api(world.nsi_manager).patch(
        f"{URL}{req.pk}/", {"dialect": {"delimiter": ";"}}, format="json"
    )
    assert response.status_code == 200, response.json()
    req.refresh_from_db()
    assert req.dialect == {"delimiter": ";"}


def test_a_foreign_key_to_an_unknown_resource_is_refused(world, api):
    schema = {
        "fields": [{"name": "district"}],
        "foreignKeys": [
            {"fields": "district", "reference": {"resource": "ddms:planets", "fields": "code"}}
        ],
    }
    response = api(world.nsi_manager).post(URL, _payload(world, table_schema=schema), format="json")
    assert response.status_code == 400
    assert "ddms:planets" in response.json()["error"]["fields"]["table_schema"][0]


def test_a_foreign_key_to_the_countrys_territories_is_accepted(world, api):
    TerritoryFactory(code="RS", level="country")
    schema = {
        "fields": [{"name": "district"}],
        "foreignKeys": [
            {
                "fields": "district",
                "reference": {"resource": "ddms:territories:RS", "fields": "code"},
            }
        ],
    }
    response = api(world.nsi_manager).post(URL, _payload(world, table_schema=schema), format="json")
    assert response.status_code == 201, response.json()


def test_the_nsi_form_takes_a_dialect(world):
    form = DataRequestForm(
        data={
            "requester": world.nsi.pk,
            "title": "t",
            "purpose": "p",
            "provider": world.partner_a.pk,
            "agreement": signed_agreement(world).pk,
            "frequency": "one_off",
            "table_schema": '{"fields": [{"name": "a"}]}',
            "dialect": '{"delimiter": "|"}',
        },
        agreements=Agreement.objects.all(),
        nsi_offices=Organisation.objects.all(),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["dialect"] == {"delimiter": "|"}
