"""manage.py import_boundaries and its service: GeoJSON validated with shapely, all or nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from indicators.models import Territory
from indicators.services.boundaries import boundaries_import, boundary_clean

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[20, 44], [20.2, 44], [20.2, 44.2], [20, 44.2], [20, 44]]],
}
# A bow tie: its edges cross, which no boundary may do.
BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[20, 44], [20.2, 44.2], [20.2, 44], [20, 44.2], [20, 44]]],
}


def _collection(*features: tuple[str, dict]) -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"code": c}, "geometry": g} for c, g in features
            ],
        }
    ).encode()


def test_it_simplifies_a_detailed_ring_and_rounds_coordinates():
    ring = [[20 + 0.2 * i / 400, 44 + 0.0000001 * (i % 2)] for i in range(401)]
    ring += [[20.2, 44.2], [20, 44.2], ring[0]]
    cleaned = boundary_clean({"type": "Polygon", "coordinates": [ring]})
    assert len(cleaned["coordinates"][0]) < 10
    assert all(round(x, 5) == x for x, _y in cleaned["coordinates"][0])


def test_it_imports_boundaries_by_territory_code(geo, world):
    result = boundaries_import(
        actor=world.nsi_manager, data=_collection(("RS-KG", SQUARE)), source="test"
    )
    assert result == {"imported": 1}
    city = Territory.objects.get(code="RS-KG")
    assert city.boundary["type"] == "Polygon" and city.boundary_source == "test"


def test_a_bad_feature_rejects_the_whole_file_naming_it(geo, world):
    data = _collection(("RS-KG", SQUARE), ("RS-KG-ST", BOW_TIE), ("NOPE", SQUARE))
    with pytest.raises(Exception) as caught:
        boundaries_import(actor=world.nsi_manager, data=data, source="test")
    errors = caught.value.extra["errors"]
    assert [(e["featureNumber"], e["code"]) for e in errors] == [(2, "RS-KG-ST"), (3, "NOPE")]
    assert "Self-intersection" in errors[0]["note"]
    assert not Territory.objects.exclude(boundary=None).exists()


def test_only_nsi_staff_import_boundaries(geo, world):
    with pytest.raises(Exception, match="NSI"):
        boundaries_import(actor=world.city_user, data=_collection(("RS-KG", SQUARE)), source="x")


def test_the_command_reports_each_rejected_feature(geo, world, tmp_path, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.org", "pw-123456789")
    path = tmp_path / "b.geojson"
    path.write_bytes(_collection(("RS-KG", {"type": "Point", "coordinates": [20, 44]})))
    with pytest.raises(CommandError, match="feature 1 \\(RS-KG\\): a boundary must be a Polygon"):
        call_command("import_boundaries", str(path), "--source", "x")
    path.write_bytes(_collection(("RS-KG", SQUARE)))
    out = io.StringIO()
    call_command("import_boundaries", str(path), "--source", "x", stdout=out)
    assert out.getvalue().strip() == "1 boundaries imported"
