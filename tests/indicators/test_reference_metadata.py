"""Indicator reference metadata: edited by NSI staff, public in the API and on the page."""

from __future__ import annotations

import pytest

from ddms_platform.core.models import AuditEntry

pytestmark = pytest.mark.django_db

URL = "/api/v1/indicators/PT_ACCESS/metadata/"
TEXTS = {
    "DEFINITION": {
        "en": "Share within 500 m",
        "sr-Latn": "Udeo do 500 m",
        "sr-Cyrl": "Удео до 500 м",
    }
}


def test_nsi_staff_edit_the_metadata_in_three_languages(api, world, published):
    response = api(world.nsi_manager).patch(URL, TEXTS, format="json")
    assert response.status_code == 200, response.content
    (definition,) = [c for c in response.json()["concepts"] if c["id"] == "DEFINITION"]
    assert definition["value"] == TEXTS["DEFINITION"]
    assert (definition["sdg_section"], definition["sims"]) == ("2.a", "S.3.4")
    assert AuditEntry.objects.filter(action="indicator.metadata_update").count() == 1


def test_a_partner_cannot_edit_the_metadata(api, world, published):
    response = api(world.partner_a_user).patch(URL, TEXTS, format="json")
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="indicator.metadata_update").exists()


def test_an_unknown_concept_or_language_is_rejected(api, world, published):
    assert (
        api(world.nsi_manager).patch(URL, {"NOPE": {"en": "x"}}, format="json").status_code == 400
    )
    bad_lang = {"DEFINITION": {"de": "x"}}
    assert api(world.nsi_manager).patch(URL, bad_lang, format="json").status_code == 400


def test_anyone_reads_the_metadata_of_a_public_indicator(api, world, published):
    api(world.nsi_manager).patch(URL, TEXTS, format="json")
    response = api(None).get(URL)
    assert response.status_code == 200
    assert response.json()["indicator"] == "PT_ACCESS"


def test_the_public_page_shows_the_metadata_in_the_readers_language(client, world, api, published):
    api(world.nsi_manager).patch(URL, TEXTS, format="json")
    page = client.get("/indicators/PT_ACCESS/", HTTP_ACCEPT_LANGUAGE="sr")
    assert "Удео до 500 м" in page.content.decode()
    page = client.get("/indicators/PT_ACCESS/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Share within 500 m" in page.content.decode()
