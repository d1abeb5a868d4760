"""Open data: SDMX-CSV and CSV read back to the same values, formulas neutralised, caching,
query counts, lineage visibility and policy monitoring."""

from __future__ import annotations

import io
from decimal import Decimal

import pandas as pd
import pytest
import sdmx
from sdmx.model import common, v30

from indicators import services
from indicators.models import Indicator, ReleasedObservation
from partnerships.models import Policy, PolicyTarget
from tests.factories import approved

from ..factories import PilotFactory, TerritoryFactory
from .conftest import add_obs


def expected_rows():
    return sorted(
        (
            r.territory_code,
            r.period,
            r.dims.get("sex"),
            None if r.value is None else float(r.value),
            r.status,
        )
        for r in ReleasedObservation.objects.all()
    )


def download(api, url):
    response = api(None).get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_sdmx_csv_reads_back_with_sdmx1_to_the_same_values(api, published, tmp_path):
    body = download(api, "/api/v1/open-data/observations.sdmx.csv?indicator=PT_ACCESS")
    path = tmp_path / "pt.csv"
    path.write_bytes(body)
    dsd = v30.DataStructureDefinition(id="DSD_PT_ACCESS", maintainer=common.Agency(id="DDMS"))
    for dim in ("FREQ", "REF_AREA", "SEX"):
        dsd.dimensions.getdefault(dim)
    dsd.dimensions.getdefault("TIME_PERIOD", cls=common.TimeDimension)
    dsd.measures.getdefault("OBS_VALUE")
    dsd.attributes.getdefault("OBS_STATUS")
    message = sdmx.read_sdmx(path, structure=dsd)
    got = sorted(
        (
            o.dimension["REF_AREA"].value,
            o.dimension["TIME_PERIOD"].value,
            o.dimension["SEX"].value,
            float(o.value) if o.value not in ("", None) else None,
            o.attached_attribute["OBS_STATUS"].value,
        )
        for ds in message.data
        for o in ds.obs
    )
    assert got == expected_rows()
    assert body.startswith(b"STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA,SEX,TIME_PERIOD")
    agency = Indicator.objects.get(code="PT_ACCESS").owner.agency_id
    assert f"dataflow,{agency}:DF_PT_ACCESS(1.0.0),I,Q,RS-KG-AE,_T,2023-Q2,,M".encode() in body


def test_csv_reads_back_with_pandas_to_the_same_values(api, published):
    body = download(api, "/api/v1/open-data/observations.csv")
    df = pd.read_csv(io.BytesIO(body), dtype={"period": str})
    got = sorted(
        (
            r.territory,
            r.period,
            r.dimensions.split("=")[1],
            None if pd.isna(r.value) else float(r.value),
            r.status,
        )
        for r in df.itertuples()
    )
    assert got == expected_rows()


def test_json_download_and_filters(api, published):
    import orjson

    rows = orjson.loads(
        download(api, "/api/v1/open-data/observations.json?territory=RS-KG-ST&sex=F")
    )
    assert [(r["territory"], r["dims"], r["value"]) for r in rows] == [
        ("RS-KG-ST", {"sex": "F"}, 51.3)
    ]
    rows = orjson.loads(
        download(api, "/api/v1/open-data/observations.json?period_from=2023-06&period_to=2024")
    )
    assert [r["period"] for r in rows] == ["2024-03"]


def test_formula_looking_cells_are_neutralised_in_csv(world, api, indicator):
    evil = TerritoryFactory(code="=HYPERLINK(1)", level="country")
    add_obs(indicator, evil, "2023", "-5")
    pub = services.publication_create(
        actor=world.nsi_manager, series="e", title="E", indicators=[indicator], territory=evil
    )
    services.publication_publish(actor=world.nsi_manager, publication=approved(pub))
    df = pd.read_csv(io.BytesIO(download(api, "/api/v1/open-data/observations.csv")))
    assert df.territory.tolist() == ["'=HYPERLINK(1)"]
    assert df.value.tolist() == [-5.0]  # numbers are not text and stay numbers


def test_etag_and_last_modified_give_304(api, published):
    first = api(None).get("/api/v1/open-data/observations.csv")
    etag = first["ETag"]
    assert first["Last-Modified"]
    again = api(None).get("/api/v1/open-data/observations.csv", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    since = api(None).get(
        "/api/v1/open-data/observations.csv", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert since.status_code == 304
    other = api(None).get("/api/v1/open-data/observations.csv?sex=F", HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200
    series = api(None).get("/api/v1/indicators/PT_ACCESS/series/")
    assert (
        api(None)
        .get("/api/v1/indicators/PT_ACCESS/series/", HTTP_IF_NONE_MATCH=series["ETag"])
        .status_code
        == 304
    )


def _publish_n(world, indicator, territory, n):
    for year in range(2000, 2000 + n):
        add_obs(indicator, territory, str(year), year)
    pub = services.publication_create(
        actor=world.nsi_manager,
        series=f"n{n}",
        title="N",
        indicators=[indicator],
        territory=territory,
    )
    services.publication_publish(actor=world.nsi_manager, publication=approved(pub))


@pytest.mark.parametrize("n", [2, 10])
def test_series_and_list_query_counts_do_not_grow_with_results(
    world, api, geo, indicator, django_assert_num_queries, n
):
    _publish_n(world, indicator, geo.m1, n)
    anon = api(None)
    with django_assert_num_queries(4):  # indicator, releases, ETag, rows
        assert len(anon.get("/api/v1/indicators/PT_ACCESS/series/").json()["observations"]) == n
    with django_assert_num_queries(2):  # count, page (visibility is a join)
        assert anon.get("/api/v1/observations/").json()["count"] == n
    with django_assert_num_queries(4):  # releases, count, page, source organisations
        assert len(anon.get("/api/v1/indicators/").json()["results"]) == 1
    with django_assert_num_queries(3):  # count, page, indicators
        assert len(anon.get("/api/v1/publications/").json()["results"]) == 1


def test_lineage_shows_the_chain_without_file_contents(world, api, published):
    row = ReleasedObservation.objects.get(territory_code="RS-KG-ST", dims_key="sex=F")
    public = api(None).get(f"/api/v1/observations/{row.pk}/lineage/").json()
    assert public["publication"]["id"] == published.pk
    assert public["submission"]["sha256"] == row.submission.sha256
    assert public["submission"]["validation"]["status"] == "passed"
    assert public["agreement"]["title"] == row.submission.request.agreement.title
    assert "id" not in public["submission"] and "original_name" not in public["submission"]
    staff = api(world.nsi_manager).get(f"/api/v1/observations/{row.pk}/lineage/").json()
    assert staff["data_request"]["id"] == row.submission.request_id
    assert staff["submission"]["original_name"] == "data.csv"
    assert b"file" not in api(None).get(f"/api/v1/observations/{row.pk}/lineage/").content


def test_policy_monitoring_applies_the_progress_measure_for_everyone(world, api, geo, indicator):
    for year, value in ((2020, 40), (2021, 42), (2022, 44), (2023, 46)):
        add_obs(indicator, geo.city, str(year), value)
    pub = services.publication_create(
        actor=world.nsi_manager, series="m", title="M", indicators=[indicator], territory=geo.city
    )
    services.publication_publish(actor=world.nsi_manager, publication=approved(pub))
    pilot = PilotFactory(territory_code="RS-KG", nsi=world.nsi, local_government=world.city)
    policy = Policy.objects.create(pilot=pilot, name="Mobility plan", kind="strategy")
    on = PolicyTarget.objects.create(
        policy=policy,
        indicator_code="PT_ACCESS",
        target_value=Decimal(50),
        target_year=2025,
        direction="increase",
    )
    slow = PolicyTarget.objects.create(
        policy=policy,
        indicator_code="PT_ACCESS",
        target_value=Decimal(60),
        target_year=2025,
        direction="increase",
    )
    from_baseline = PolicyTarget.objects.create(
        policy=policy,
        indicator_code="PT_ACCESS",
        target_value=Decimal(60),
        target_year=2025,
        direction="increase",
        baseline_value=Decimal(45),
        baseline_year=2021,
    )
    PolicyTarget.objects.create(
        policy=policy, indicator_code="NOPE", target_value=1, target_year=2025, direction="decrease"
    )
    url = f"/api/v1/pilots/{pilot.pk}/monitoring/"
    rows = {r["target_id"]: r for r in api(world.city_user).get(url).json()}
    # 40 (2020) to 46 (2023): 4.77 % a year observed; 4.56 % needed for 50, 8.45 % for 60.
    assert rows[on.pk]["status"] == "on_track"
    assert rows[on.pk]["progress"]["ratio"] == pytest.approx(1.0449, abs=1e-4)
    assert rows[on.pk]["latest"] == {"period": "2023", "value": 46.0}
    assert rows[on.pk]["distance"] == 4.0
    assert rows[slow.pk]["status"] == "limited_progress"
    # The policy's baseline, not the first value: 45 (2021) rose only to 46 (2023).
    assert rows[from_baseline.pk]["progress"]["base_value"] == 45.0
    assert rows[from_baseline.pk]["status"] == "limited_progress"
    assert sorted(r["status"] for r in rows.values())[-1] == "unknown_indicator"
    # Published figures against adopted targets: public, like the progress page.
    assert api(None).get(url).json() == api(world.partner_b_user).get(url).json()
    assert api(None).get("/api/v1/pilots/999999/monitoring/").status_code == 404


@pytest.mark.usefixtures("services")
def test_postgres_copy_writes_the_same_bytes_as_the_csv_writer(world, api, indicator):
    """The COPY path quotes, neutralises and formats exactly as Python's csv.writer does."""
    from indicators.exports import _python_csv
    from indicators.selectors.open_data import ObservationFilter, open_observations

    country = TerritoryFactory(code="XX", level="country")
    codes = ["=HYPERLINK(1)", '+1"q', "c,d", "e\nf", "-x", "@y", "\tz", "\rw", "plain", "zz\rlast"]
    dims = [{"sex": "F"}, {}, {"=k": "v"}, {"sex": 'a"b,c'}]
    for n, code in enumerate(codes):
        territory = TerritoryFactory(code=code, level="region", parent=country)
        for m, dim in enumerate(dims):
            value = None if (n + m) % 5 == 0 else f"{(n * 7 - m) * 1.37:.2f}"
            add_obs(indicator, territory, f"{2020 + m}", value, dims=dim)
    pub = services.publication_create(
        actor=world.nsi_manager, series="q", title="Q", indicators=[indicator], territory=country
    )
    services.publication_publish(actor=world.nsi_manager, publication=approved(pub))
    body = download(api, "/api/v1/open-data/observations.csv")
    reference = b"".join(_python_csv(open_observations(filters=ObservationFilter())))
    assert body.count(b"\n") > len(codes) * len(dims)
    # The last row holds a carriage return: quoted, and the file still ends in one LF.
    assert body.rsplit(b"\n", 2)[-2].startswith(b'PT_ACCESS,"zz\rlast",') and body[-2:] != b"\n\n"
    assert body == reference
