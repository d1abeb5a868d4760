"""Real SDMX clients (sdmx1 and pysdmx) against the live test server, over HTTP."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
import requests
import sdmx

from indicators.exports import sdmx_agency_id
from indicators.sdmx.codes import code_lists_seed

from .conftest import scheduled_release


@pytest.fixture
def agency(indicator):
    """The owner NSI's agency, which maintains the indicator's dataflow and DSD."""
    return sdmx_agency_id(indicator)


@pytest.fixture
def platform(live_server, transactional_db, published, agency):
    """The live server registered as an sdmx1 source, its code lists seeded."""
    code_lists_seed()
    sdmx.add_source(
        {
            # sdmx1 uses the source id as the agency in its queries: the owner NSI's agency
            "id": agency,
            "name": "DDMS test platform",
            "url": f"{live_server.url}/sdmx",
            "supports": {"preview": False, "provisionagreement": False},
        },
        override=True,
    )
    return sdmx.Client(agency)


def test_sdmx1_lists_dataflows(platform):
    message = platform.dataflow()
    assert "DF_PT_ACCESS" in message.dataflow
    assert str(message.dataflow["DF_PT_ACCESS"].version) == "1.0.0"


def test_sdmx1_fetches_the_dsd_with_labelled_code_lists(platform):
    message = platform.datastructure("DSD_PT_ACCESS", params={"references": "children"})
    dsd = message.structure["DSD_PT_ACCESS"]
    assert [d.id for d in dsd.dimensions.components] == ["FREQ", "REF_AREA", "SEX", "TIME_PERIOD"]
    sex = message.codelist["CL_SEX"]
    assert sex["_T"].name.localizations == {"en": "Total", "sr-Latn": "Ukupno", "sr-Cyrl": "Укупно"}


def test_sdmx1_fetches_data_by_key_and_period_to_pandas(platform):
    message = platform.data(
        "DF_PT_ACCESS", key={"SEX": ["F", "M"]}, params={"startPeriod": "2023", "endPeriod": "2023"}
    )
    series = sdmx.to_pandas(message)
    got = {idx[2]: float(v) for idx, v in series.items()}
    assert got == {"F": pytest.approx(51.25, abs=0.051), "M": -3.0}  # one decimal


def test_sdmx1_reads_a_suppressed_value_as_missing(platform):
    message = platform.data("DF_PT_ACCESS", key="Q..")
    series = sdmx.to_pandas(message)
    assert len(series) == 1 and math.isnan(float(series.iloc[0]))


def test_sdmx1_reads_sdmx_csv_with_the_published_dsd(platform, live_server, tmp_path, agency):
    dsd = platform.datastructure("DSD_PT_ACCESS").structure["DSD_PT_ACCESS"]
    body = requests.get(
        f"{live_server.url}/sdmx/data/dataflow/{agency}/DF_PT_ACCESS/1.0.0/*",
        headers={"Accept": "application/vnd.sdmx.data+csv;version=2.0.0"},
        timeout=30,
    )
    path = tmp_path / "pt.csv"
    path.write_bytes(body.content)
    message = sdmx.read_sdmx(path, structure=dsd)
    frame = sdmx.to_pandas(message.data[0])
    assert len(frame) == 4
    assert frame.isna().sum() == 1


def test_sdmx1_sees_nothing_under_embargo(
    live_server, transactional_db, world, geo, indicator, agency
):
    code_lists_seed()
    scheduled_release(
        world.nsi_manager, indicator, geo.city, dt.datetime(2999, 1, 1, tzinfo=dt.UTC)
    )
    sdmx.add_source({"id": agency, "name": "t", "url": f"{live_server.url}/sdmx"}, override=True)
    client = sdmx.Client(agency)
    for query in (client.dataflow, lambda: client.dataflow("DF_PT_ACCESS")):
        with pytest.raises(requests.HTTPError) as caught:
            query()
        assert caught.value.response.status_code == 404  # "no results", as the standard says
    from pysdmx.io import read_sdmx

    with pytest.raises(Exception, match="Not found"):
        read_sdmx(f"{live_server.url}/sdmx/structure/dataflow/{agency}/DF_PT_ACCESS/1.0.0")
    for fmt in ("structurespecificdata", "jsondata", "csvfile"):
        response = requests.get(
            f"{live_server.url}/sdmx/data/dataflow/{agency}/DF_PT_ACCESS/1.0.0/*?format={fmt}",
            timeout=30,
        )
        assert response.status_code == 404


def test_pysdmx_reads_structures_in_sdmx_ml_and_sdmx_json(platform, live_server, agency):
    from pysdmx.io import read_sdmx

    for accept in (
        "application/vnd.sdmx.structure+xml;version=2.1",
        "application/vnd.sdmx.structure+json;version=2.0.0",
    ):
        body = requests.get(
            f"{live_server.url}/sdmx/structure/dataflow/{agency}/DF_PT_ACCESS/1.0.0?references=descendants",
            headers={"Accept": accept},
            timeout=30,
        ).text
        message = read_sdmx(body)
        (dsd,) = message.get_data_structure_definitions()
        assert (dsd.id, dsd.version) == ("DSD_PT_ACCESS", "1.0.0")
        assert [c.id for c in dsd.components.dimensions] == [
            "FREQ",
            "REF_AREA",
            "SEX",
            "TIME_PERIOD",
        ]
        (sex,) = [cl for cl in message.get_codelists() if cl.id == "CL_SEX"]
        assert {c.id for c in sex} == {"_T", "F", "M"}
        assert [f.id for f in message.get_dataflows()] == ["DF_PT_ACCESS"]


@pytest.mark.parametrize("fmt", ["structurespecificdata", "csvfile"])
def test_pysdmx_reads_the_data(platform, live_server, fmt, agency):
    from pysdmx.io import read_sdmx

    base = f"{live_server.url}/sdmx"
    structure = requests.get(
        f"{base}/structure/datastructure/{agency}/DSD_PT_ACCESS/1.0.0?references=children",
        timeout=30,
    ).text
    body = requests.get(
        f"{base}/data/dataflow/{agency}/DF_PT_ACCESS/1.0.0/A..F+M?format={fmt}", timeout=30
    ).text
    message = read_sdmx(body, validate=False)
    frame = message.data[0].data
    assert sorted(frame["SEX"]) == ["F", "M"]
    assert sorted(pd.to_numeric(frame["OBS_VALUE"]).round(0)) == [-3.0, 51.0]
    assert structure
