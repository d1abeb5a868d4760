"""The pilot replication kit: a Frictionless Data Package, previewed, imported all or nothing."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from frictionless import validate

from indicators.kit import kit_definitions, kit_files, kit_zip
from indicators.models import Indicator, KitImport
from partnerships.models import Agreement, CommunicationPlan, DataRequest, Policy

from ..factories import IndicatorFactory, PilotFactory, PolicyFactory
from .kit_world import build_pilot_definitions

pytestmark = pytest.mark.django_db

DEFINITIONS = (
    "indicators.json",
    "request_templates.json",
    "policies.json",
    "communication_plans.json",
    "agreement_templates.json",
    "code_lists.csv",
)


@pytest.fixture
def kit(net: SimpleNamespace) -> SimpleNamespace:
    d = build_pilot_definitions(net)
    d.zip = kit_zip(d.pilot, agency="RZS")
    return d


def _counts(pilot: Any) -> tuple[int, ...]:
    return (
        Indicator.objects.filter(owner__country=pilot.country).count(),
        DataRequest.objects.filter(pilot=pilot).count(),
        Policy.objects.filter(pilot=pilot).count(),
        CommunicationPlan.objects.filter(pilot=pilot).count(),
        Agreement.objects.filter(nsi__country=pilot.country).count(),
    )


def _upload(api: Any, user: Any, pilot: Any, data: bytes) -> Any:
    return api(user).post(
        "/api/v1/network/kit-imports/",
        {"pilot": pilot.pk, "file": SimpleUploadedFile("kit.zip", data)},
        format="multipart",
    )


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_kit_is_a_valid_frictionless_data_package(kit, tmp_path: Path) -> None:
    zipfile.ZipFile(io.BytesIO(kit.zip)).extractall(tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    assert {r["path"] for r in descriptor["resources"]} == set(DEFINITIONS)
    assert descriptor["ddms:kit"]["agency"] == "RZS"


def test_kit_holds_the_pilots_definitions_and_no_data(kit) -> None:
    files = kit_files(kit.pilot, agency="RZS")
    indicators = json.loads(files["indicators.json"])
    assert [i["code"] for i in indicators] == ["ELEC_HH", "PT_SHARE"]
    assert indicators[0]["dimensions"]["age"] == ["Y0-14", "Y15-64", "Y65-", "_T"]
    templates = json.loads(files["request_templates.json"])
    assert templates[0]["table_schema"]["primaryKey"] == ["territory_code", "month"]
    assert templates[0]["dialect"] == {"delimiter": ";"}
    plan = json.loads(files["communication_plans.json"])[0]
    assert [(a["offset_days"], a["kind"]) for a in plan["activities"]] == [
        (0, "seminar"),
        (30, "press_release"),
    ]
    everything = b"".join(files.values()).decode()
    # Outcomes, partner names and people stay home.
    for private in ("Covered by two papers", "Power Company", "nsi@example.org"):
        assert private not in everything


def test_kit_download_for_staff_of_the_pilots_country(net, api, kit) -> None:
    response = api(net.nsi_manager).get(f"/api/v1/pilots/{kit.pilot.pk}/kit/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "datapackage.json" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()


@pytest.mark.parametrize("who", ["nsi_b_manager", "partner_a_user", "coordinator"])
def test_kit_download_refused_outside_the_pilots_nsi(net, api, kit, who) -> None:
    response = api(getattr(net, who)).get(f"/api/v1/pilots/{kit.pilot.pk}/kit/")
    assert response.status_code in (403, 404)


def test_preview_lists_what_will_be_created_and_writes_nothing(net, api, kit) -> None:
    before = _counts(net.pilot_b)
    response = _upload(api, net.nsi_b_manager, net.pilot_b, kit.zip)
    assert response.status_code == 201, response.content
    preview = response.json()["preview"]
    assert preview["clashes"] == []
    assert preview["create"]["indicators"] == ["ELEC_HH", "PT_SHARE"]
    assert preview["create"]["policies"] == ["Energy efficiency plan 2030"]
    assert response.json()["status"] == "previewed"
    assert _counts(net.pilot_b) == before


def test_preview_names_the_clashes(net, api, kit) -> None:
    IndicatorFactory(owner=net.nsi_b, code="PT_SHARE")
    PolicyFactory(pilot=net.pilot_b, name="Energy efficiency plan 2030")
    preview = _upload(api, net.nsi_b_manager, net.pilot_b, kit.zip).json()["preview"]
    assert {(c["resource"], c["key"]) for c in preview["clashes"]} == {
        ("indicators", "PT_SHARE"),
        ("policies", "Energy efficiency plan 2030"),
    }
    assert preview["create"]["indicators"] == ["ELEC_HH"]


def test_import_on_a_clash_writes_nothing(net, api, kit) -> None:
    kit_import = _upload(api, net.nsi_b_manager, net.pilot_b, kit.zip).json()
    # The clash appears after the preview: the apply checks again.
    IndicatorFactory(owner=net.nsi_b, code="PT_SHARE")
    before = _counts(net.pilot_b)
    response = api(net.nsi_b_manager).post(f"/api/v1/network/kit-imports/{kit_import['id']}/apply/")
    assert response.status_code == 409
    assert response.json()["error"]["clashes"][0]["key"] == "PT_SHARE"
    assert _counts(net.pilot_b) == before
    assert KitImport.objects.get().status == "previewed"


def test_a_failure_midway_rolls_everything_back(net, api, kit, monkeypatch) -> None:
    from indicators.services import kit as kit_services

    kit_import = _upload(api, net.nsi_b_manager, net.pilot_b, kit.zip).json()
    before = _counts(net.pilot_b)

    def broken(**kwargs: Any) -> None:
        from ddms_platform.core.errors import DomainError

        raise DomainError("boom", code="invalid")

    monkeypatch.setattr(kit_services, "agreement_create", broken)
    response = api(net.nsi_b_manager).post(f"/api/v1/network/kit-imports/{kit_import['id']}/apply/")
    assert response.status_code == 400
    assert _counts(net.pilot_b) == before


def test_round_trip_gives_the_same_definitions(net, api, kit) -> None:
    kit_import = _upload(api, net.nsi_b_manager, net.pilot_b, kit.zip).json()
    applied = api(net.nsi_b_manager).post(f"/api/v1/network/kit-imports/{kit_import['id']}/apply/")
    assert applied.status_code == 200, applied.content
    assert applied.json()["status"] == "applied"
    assert Indicator.objects.filter(owner=net.nsi_b, code="ELEC_HH").exists()
    request = DataRequest.objects.get(pilot=net.pilot_b)
    assert request.state == "draft" and request.agreement is None
    original = kit_files(kit.pilot, agency="RZS")
    again = kit_files(net.pilot_b, agency="DZS")
    for path in DEFINITIONS:
        assert (
            json.loads(again[path]) == json.loads(original[path])
            if path.endswith(".json")
            else again[path] == original[path]
        ), path
    assert kit_definitions(net.pilot_b) == kit_definitions(kit.pilot)


def test_an_applied_kit_cannot_be_applied_twice(net, api, kit) -> None:
    kit_import = _upload(api, net.nsi_b_manager, net.pilot_b, kit.zip).json()
    url = f"/api/v1/network/kit-imports/{kit_import['id']}/apply/"
    assert api(net.nsi_b_manager).post(url).status_code == 200
    second = api(net.nsi_b_manager).post(url)
    assert second.status_code == 400
    assert second.json()["error"]["code"] == "already_applied"


def test_a_foreign_pilot_is_an_unknown_pilot(net, api, kit) -> None:
    foreign = _upload(api, net.nsi_b_manager, net.pilot_a, kit.zip)
    missing = api(net.nsi_b_manager).post(
        "/api/v1/network/kit-imports/",
        {"pilot": 999_999, "file": SimpleUploadedFile("kit.zip", kit.zip)},
        format="multipart",
    )
    assert foreign.status_code == missing.status_code == 400
    text = foreign.content.decode().replace(str(net.pilot_a.pk), "N")
    assert text == missing.content.decode().replace("999999", "N")


def test_a_foreign_kit_import_answers_like_a_missing_one(net, api, kit) -> None:
    kit_import = _upload(api, net.nsi_b_manager, net.pilot_b, kit.zip).json()
    url = f"/api/v1/network/kit-imports/{kit_import['id']}/"
    assert api(net.nsi_manager).get(url).status_code == 404
    assert api(net.nsi_manager).post(url + "apply/").status_code == 404
    assert api(net.nsi_b_manager).get(url).status_code == 200


@pytest.mark.parametrize("who", ["nsi_b_viewer", "partner_a_user", "coordinator", None])
def test_only_acting_nsi_staff_import(net, api, kit, who) -> None:
    user = getattr(net, who) if who else None
    assert _upload(api, user, net.pilot_b, kit.zip).status_code in (401, 403)
    assert not KitImport.objects.exists()


def test_not_a_zip_is_refused_naming_the_file(net, api) -> None:
    response = _upload(api, net.nsi_b_manager, net.pilot_b, b"name,value\n")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_kit"
    assert "file" in response.json()["error"]["fields"]


def test_a_bad_item_is_named_by_resource_and_position(net, api, kit) -> None:
    files = kit_files(kit.pilot, agency="RZS")
    indicators = json.loads(files["indicators.json"])
    indicators[1]["dimensions"] = {"Sex!": ["F"]}
    files["indicators.json"] = json.dumps(indicators).encode()
    files["code_lists.csv"] = files["code_lists.csv"] + b"PT_SHARE,Sex!,1,F\r\n"
    response = _upload(api, net.nsi_b_manager, net.pilot_b, _zip(files))
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "item 1" in fields["indicators"][0] and "dimensions" in fields["indicators"][0]


def test_code_lists_must_agree_with_the_indicators(net, api, kit) -> None:
    files = kit_files(kit.pilot, agency="RZS")
    lines = files["code_lists.csv"].split(b"\r\n")
    # The dimensions' order is the database's (PostgreSQL's jsonb orders keys): find the row.
    row = lines.index(b"ELEC_HH,sex,2,M")
    lines[row] = b"ELEC_HH,sex,2,X"
    files["code_lists.csv"] = b"\r\n".join(lines)
    response = _upload(api, net.nsi_b_manager, net.pilot_b, _zip(files))
    assert response.status_code == 400
    assert f"row {row + 1}:" in response.json()["error"]["fields"]["code_lists.csv"][0]


def test_a_target_on_an_unknown_indicator_is_refused(net, api, kit) -> None:
    files = kit_files(kit.pilot, agency="RZS")
    policies = json.loads(files["policies.json"])
    policies[0]["targets"][0]["indicator_code"] = "NOWHERE"
    files["policies.json"] = json.dumps(policies).encode()
    response = _upload(api, net.nsi_b_manager, net.pilot_b, _zip(files))
    assert response.status_code == 400
    assert "NOWHERE" in response.json()["error"]["fields"]["policies"][0]


def test_import_pages_preview_then_import(net, client, kit) -> None:
    client.force_login(net.nsi_b_manager)
    form = client.get("/network/kit/import/").content.decode()
    assert net.pilot_b.name in form and net.pilot_a.name not in form
    empty = client.post("/network/kit/import/", {"pilot": net.pilot_b.pk})
    assert empty.status_code == 400 and "This field is required" in empty.content.decode()
    bad = client.post(
        "/network/kit/import/",
        {"pilot": net.pilot_b.pk, "file": SimpleUploadedFile("kit.zip", b"not a zip")},
    )
    assert bad.status_code == 400 and "not a zip file" in bad.content.decode()
    sent = client.post(
        "/network/kit/import/",
        {"pilot": net.pilot_b.pk, "file": SimpleUploadedFile("kit.zip", kit.zip)},
    )
    assert sent.status_code == 302
    preview = client.get(sent["Location"]).content.decode()
    assert "ELEC_HH" in preview and "Import everything" in preview
    assert Indicator.objects.filter(owner=net.nsi_b).count() == 0
    row = KitImport.objects.get()
    client.post(f"/network/kit/imports/{row.pk}/apply/")
    assert Indicator.objects.filter(owner=net.nsi_b).count() == 2


def test_preview_page_with_a_clash_offers_no_import(net, client, kit) -> None:
    IndicatorFactory(owner=net.nsi_b, code="ELEC_HH")
    client.force_login(net.nsi_b_manager)
    sent = client.post(
        "/network/kit/import/",
        {"pilot": net.pilot_b.pk, "file": SimpleUploadedFile("kit.zip", kit.zip)},
    )
    page = client.get(sent["Location"]).content.decode()
    assert "Your NSI already has an indicator ELEC_HH" in page
    assert "Import everything" not in page


def test_a_regional_office_pilot_imports_into_its_nsi(net, api, kit) -> None:
    from ..factories import MembershipFactory, OrganisationFactory, UserFactory

    regional = OrganisationFactory(
        name="Regional B", kind="nsi_regional", parent=net.nsi_b, country=net.country_b
    )
    pilot = PilotFactory(
        country=net.country_b, nsi=regional, local_government=net.city_b, name="Regional pilot"
    )
    user = MembershipFactory(user=UserFactory(username="reg-b"), organisation=regional).user
    kit_import = _upload(api, user, pilot, kit.zip).json()
    assert (
        api(user).post(f"/api/v1/network/kit-imports/{kit_import['id']}/apply/").status_code == 200
    )
    assert Indicator.objects.filter(owner=net.nsi_b, code="ELEC_HH").exists()
