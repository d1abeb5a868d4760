"""DCAT-AP catalogue (SHACL-valid, read back) and Frictionless Data Packages (validate clean)."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from indicators.sdmx.codes import code_lists_seed

from .conftest import scheduled_release

pytestmark = pytest.mark.django_db
SHAPES = Path(__file__).resolve().parents[1] / "data" / "dcat-ap-3-shapes.ttl"


@pytest.fixture(autouse=True)
def _codes(db):
    code_lists_seed()


def catalogue(client, fmt):
    response = client.get(f"/catalog.{fmt}")
    assert response.status_code == 200
    return Graph().parse(data=response.content, format="turtle" if fmt == "ttl" else "json-ld")


def test_the_catalogue_has_no_shacl_violations(client, published):
    from pyshacl import validate

    conforms, _graph, text = validate(
        catalogue(client, "ttl"), shacl_graph=Graph().parse(SHAPES), advanced=True
    )
    assert conforms, text


def test_the_shapes_catch_a_dataset_without_a_distribution(client, published):
    from pyshacl import validate

    graph = catalogue(client, "ttl")
    graph.remove((None, DCAT.distribution, None))
    conforms, _graph, text = validate(graph, shacl_graph=Graph().parse(SHAPES))
    assert not conforms and "distribution" in text


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_the_catalogue_reads_back(client, published, fmt):
    graph = catalogue(client, fmt)
    (dataset,) = graph.subjects(RDF.type, DCAT.Dataset)
    assert str(graph.value(dataset, DCTERMS.identifier)) == "PT_ACCESS"
    titles = {t.language: str(t) for t in graph.objects(dataset, DCTERMS.title)}
    assert "en" in titles
    distributions = list(graph.objects(dataset, DCAT.distribution))
    assert len(distributions) == 7  # CSV, JSON, SDMX-CSV, three SDMX endpoints, the package
    urls = {str(graph.value(d, DCAT.accessURL)) for d in distributions}
    assert any("/sdmx/data/dataflow/DDMS/DF_PT_ACCESS/1.0.0/" in u for u in urls)
    period = graph.value(dataset, DCTERMS.temporal)
    assert str(graph.value(period, DCAT.startDate)) == "2023-01-01"
    assert graph.value(dataset, DCTERMS.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
    )


def test_the_catalogue_leaves_out_an_embargoed_indicator(client, world, geo, indicator):
    scheduled_release(
        world.nsi_manager, indicator, geo.city, dt.datetime(2999, 1, 1, tzinfo=dt.UTC)
    )
    graph = catalogue(client, "ttl")
    assert list(graph.subjects(RDF.type, DCAT.Dataset)) == []
    assert client.get("/indicators/PT_ACCESS/datapackage.zip").status_code == 404


def test_the_data_package_validates_clean_with_frictionless(client, published, tmp_path):
    response = client.get("/indicators/PT_ACCESS/datapackage.zip")
    assert response.status_code == 200
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(tmp_path)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    keys = descriptor["resources"][0]["schema"]["foreignKeys"]
    assert {k["fields"] for k in keys} == {"FREQ", "REF_AREA", "SEX", "OBS_STATUS"}
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "frictionless"),
            "validate",
            "--json",
            "datapackage.json",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(run.stdout)
    assert report["valid"], run.stdout[:3000]
    assert (tmp_path / "observations.csv").read_text().count("\n") == 5


def test_frictionless_finds_a_broken_foreign_key(client, published, tmp_path):
    response = client.get("/indicators/PT_ACCESS/datapackage.zip")
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(tmp_path)
    codes = tmp_path / "codelists" / "CL_SEX.csv"
    codes.write_text(
        "\n".join(line for line in codes.read_text().splitlines() if not line.startswith("F,"))
        + "\n"
    )
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "frictionless"),
            "validate",
            "--json",
            "datapackage.json",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert not json.loads(run.stdout)["valid"]
