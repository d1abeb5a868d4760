"""Territories: hierarchy, CSV import (all or nothing, row numbers), demo data, API access."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import CommandError as BaseCommandError

from ddms_platform.core.errors import DomainError
from indicators import demo, services
from indicators.models import Indicator, Territory

GOOD = """code,level,parent_code,name_en,name_sr_latn,name_sr_cyrl
RS-KG,city,RS21-SU,City of Kragujevac,Grad Kragujevac,Град Крагујевац
RS,country,,Republic of Serbia,Republika Srbija,Република Србија
RS21,region,RS,Šumadija and Western Serbia,Šumadija i Zapadna Srbija,Шумадија и Западна Србија
RS21-SU,district,RS21,Šumadija district,Šumadijski okrug,Шумадијски округ
"""


def test_import_creates_the_hierarchy_whatever_the_row_order(world):
    result = services.territories_import(actor=world.nsi_manager, data=GOOD.encode())
    assert result == {"created": 4, "updated": 0, "unchanged": 0}
    city = Territory.objects.get(code="RS-KG")
    assert city.parent.parent.parent.code == "RS"
    assert city.name_sr_cyrl == "Град Крагујевац"


def test_import_twice_changes_nothing(world):
    services.territories_import(actor=world.nsi_manager, data=GOOD.encode())
    result = services.territories_import(actor=world.nsi_manager, data=GOOD.encode())
    assert result == {"created": 0, "updated": 0, "unchanged": 4}


def test_import_with_bad_rows_names_them_and_imports_nothing(world):
    bad = GOOD + "RS-XX,municipality,NOPE,Nowhere,,\nRS-YY,village,RS,Bad level,,\n"
    with pytest.raises(DomainError) as caught:
        services.territories_import(actor=world.nsi_manager, data=bad.encode())
    rows = {(e["rowNumber"], e["fieldName"]) for e in caught.value.extra["errors"]}
    assert rows == {(6, "parent_code"), (7, "level")}
    assert "6, 7" in caught.value.message
    assert Territory.objects.count() == 0


def test_import_rejects_a_child_above_its_parent(world):
    bad = "code,level,parent_code,name_en\nRS,country,,Serbia\nRS-KG,city,RS,Kg\nRS-X,region,RS-KG,X\n"
    with pytest.raises(DomainError) as caught:
        services.territories_import(actor=world.nsi_manager, data=bad.encode())
    assert caught.value.extra["errors"][0]["rowNumber"] == 4
    assert not Territory.objects.exists()


def test_partner_cannot_import_territories(world):
    with pytest.raises(DomainError):
        services.territories_import(actor=world.partner_a_user, data=GOOD.encode())


def test_import_command_reports_rows_and_exit_code(world, tmp_path):
    good = tmp_path / "t.csv"
    good.write_text(GOOD, encoding="utf-8")
    call_command("import_territories", str(good))  # a superuser exists in `world`
    assert Territory.objects.count() == 4
    bad = tmp_path / "bad.csv"
    bad.write_text("code,level,parent_code,name_en\nRS-Q,city,MISSING,Q\n", encoding="utf-8")
    with pytest.raises((CommandError, BaseCommandError), match="row 2"):
        call_command("import_territories", str(bad))


def test_demo_loader_is_idempotent(db):
    demo.load()
    counts = (Territory.objects.count(), Indicator.objects.count())
    assert demo.load() == {"created": 0}
    assert (Territory.objects.count(), Indicator.objects.count()) == counts
    kg = Territory.objects.get(code="RS-KG")
    assert kg.parent.code == "RS21-SU" and kg.children.count() == 5
    assert Territory.objects.get(code="RS").name_sr_cyrl == "Република Србија"


def test_anyone_reads_territories_but_only_nsi_writes(world, api, geo):
    assert api(None).get("/api/v1/territories/RS-KG/").json()["parent"] == "RS21-SU"
    body = {"code": "RS-NEW", "level": "municipality", "parent": "RS-KG", "name_en": "New"}
    assert api(None).post("/api/v1/territories/", body).status_code in (401, 403)
    assert api(world.partner_a_user).post("/api/v1/territories/", body).status_code == 403
    assert api(world.nsi_manager).post("/api/v1/territories/", body).status_code == 201
    bad = {"code": "RS-BAD", "level": "region", "parent": "RS-KG", "name_en": "Bad"}
    response = api(world.nsi_manager).post("/api/v1/territories/", bad)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_hierarchy"
