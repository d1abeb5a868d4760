"""manage.py load_demo, indicators side: data loaded from validated requests, releases, follows."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from indicators.models import Indicator, Observation, Publication, ReleasedObservation, Subscription
from partnerships.models import DataRequest, PolicyTarget

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    call_command("load_demo", stdout=io.StringIO())


def _csv(client, query: str = "") -> list[str]:
    response = client.get(f"/api/v1/open-data/observations.csv{query}")
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode().splitlines()


def test_every_policy_target_names_a_described_synthetic_indicator(demo):
    codes = set(PolicyTarget.objects.values_list("indicator_code", flat=True))
    # The targets belong to the Serbian pilot: Serbia's indicators (codes are per owner).
    indicators = {
        i.code: i for i in Indicator.objects.filter(code__in=codes, owner__country_id="RS")
    }
    assert set(indicators) == codes
    for indicator in indicators.values():
        assert indicator.unit and indicator.topic and indicator.sdg_targets
        assert "SYNTHETIC" in indicator.description
        assert indicator.source_organisations.exists()
    assert indicators["PT_ACCESS"].dimensions == {"sex": ["F", "M", "_T"]}
    assert indicators["ELEC_HH"].sdg_targets == ["7.1.1"]


def test_electricity_request_was_validated_by_the_engine_and_accepted(demo):
    request = DataRequest.objects.get(title__startswith="Monthly household electricity")
    assert request.state == "accepted" and request.agreement.reference == "KG-2026-01"
    assert request.table_schema["primaryKey"] == ["territory_code", "month"]
    submission = request.submissions.get()
    run = submission.validation_run
    # A real engine report: 6 territories x 36 months, Frictionless-shaped.
    assert run.status == "passed" and run.report["valid"] is True
    assert (run.report["stats"]["rows"], run.report["stats"]["errors"]) == (216, 0)
    with submission.file.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == submission.sha256
    assert submission.original_name.startswith("SYNTHETIC")


def test_open_requests_are_due_soon_and_overdue(demo):
    today = timezone.localdate()
    # The one-off requests; the deliverables' periods have their own story (test_obligations_demo).
    open_requests = DataRequest.objects.filter(
        state__in=["sent", "acknowledged"], deliverable__isnull=True
    )
    assert sorted(r.due_on > today for r in open_requests) == [False, True]
    assert open_requests.filter(state="sent", due_on__gt=today).exists()


def test_revision_corrects_stanovo_august_and_lineage_reaches_the_correction(demo, client):
    v1, v2 = Publication.objects.filter(series="kg-energy-2023-2024").order_by("version")
    assert (v1.state, v2.state) == ("superseded", "published")
    assert v2.diff_summary == {"added": 0, "removed": 0, "changed": 4}
    changed = {(c["territory"], c["period"]) for c in v2.diff["changed"]}
    assert changed == {("RS-KG-ST", "2024-08"), ("RS-KG", "2024-08")}
    row = ReleasedObservation.objects.get(
        publication=v2, indicator_code="ELEC_HH", territory_code="RS-KG-ST", period="2024-08"
    )
    chain = client.get(f"/api/v1/observations/{row.pk}/lineage/").json()
    assert chain["data_request"]["title"].startswith("Correction")
    assert chain["submission"]["sha256"] == row.submission.sha256
    assert chain["agreement"]["reference"] == "KG-2026-01"


def test_public_pages_show_released_values_and_hide_the_embargoed_year(demo, client):
    upcoming = Publication.objects.get(series="kg-energy-2025")
    assert upcoming.state == "scheduled" and upcoming.release_at > timezone.now()
    assert Observation.objects.filter(period__startswith="2025-").exists()
    lines = _csv(client)
    assert any(line.startswith("ELEC_HH,RS-KG,2024-08,") for line in lines)
    assert any(line.startswith("PT_ACCESS,RS-KG,2024,sex=F,") for line in lines)
    assert not [line for line in lines if ",2025-" in line]
    page = client.get("/indicators/SORS/ELEC_HH/")
    assert page.status_code == 200 and b"2024-12" in page.content and b"2025-01" not in page.content
    calendar = client.get("/api/v1/release-calendar/").json()
    assert [e["released"] for e in calendar].count(False) == 1


def test_small_municipality_is_suppressed_by_the_disclosure_rule(demo, client):
    lines = _csv(client, "?indicator=ENE-CONS-HH&territory=RS-KG-SR")
    assert len(lines) > 1 and all(line.split(",")[4:6] == ["", "C"] for line in lines[1:])


def test_city_staff_follow_two_indicators(demo):
    follows = Subscription.objects.filter(user__username="city.staff", is_active=True)
    assert sorted(follows.values_list("indicators__code", flat=True)) == ["ELEC_HH", "PT_ACCESS"]
    assert all(s.confirmed_at for s in follows)


def test_the_second_country_publishes_its_own_elec_hh_through_the_real_chain(demo, client):
    owners = dict(Indicator.objects.filter(code="ELEC_HH").values_list("owner__agency_id", "pk"))
    assert set(owners) == {"SORS", "MONSTAT"}
    request = DataRequest.objects.get(title__startswith="Nikšić monthly household electricity")
    assert request.state == "accepted" and request.requester.country_id == "ME"
    assert request.submissions.get().validation_run.status == "passed"
    release = Publication.objects.get(series="nk-energy-2024")
    assert release.state == "published" and release.pilot.country_id == "ME"
    assert (
        Observation.objects.filter(
            indicator_id=owners["MONSTAT"], submission__request=request
        ).count()
        == 36
    )
    sdmx = client.get("/api/v1/open-data/observations.sdmx.csv?indicator=MONSTAT:ELEC_HH")
    body = b"".join(sdmx.streaming_content).decode()
    assert "dataflow,MONSTAT:DF_ELEC_HH(1.0.0),I,M,ME-NK,2024-01," in body and "RS-KG" not in body
    # The bare code names two public indicators: the page lists both owners' pages.
    choose = client.get("/indicators/ELEC_HH/").content.decode()
    assert 'href="/indicators/SORS/ELEC_HH/"' in choose
    assert 'href="/indicators/MONSTAT/ELEC_HH/"' in choose
    assert client.get("/api/v1/indicators/ELEC_HH/").status_code == 409
    assert client.get("/api/v1/indicators/MONSTAT:ELEC_HH/").json()["owner"] == "MONSTAT"


def test_the_monthly_demo_series_is_not_deteriorating_and_uses_the_baseline(demo, client):
    """Regression: ELEC_HH climbs August to December with winter, yet uses less each year.

    A straight line through its last five months once projected 1,332 kWh for 2030; the
    progress measure compares calendar-year means from the policy's 2023 baseline instead.
    """
    from partnerships.models import Pilot

    pilot = Pilot.objects.get(country_id="RS")
    rows = client.get(f"/api/v1/pilots/{pilot.pk}/monitoring/").json()
    by_code = {r["indicator"]: r for r in rows}
    for code in ("ELEC_HH", "ENE-CONS-HH"):
        row = by_code[code]
        assert row["status"] in ("on_track", "acceleration_needed"), row
        assert row["progress"]["base_year"] == 2023
        assert row["progress"]["latest_year"] == 2024  # 2025 is still under embargo
        assert row["progress"]["observed_cagr"] < 0  # year on year, consumption falls
    assert {r["status"] for r in rows} != {"deterioration"}


def test_the_demo_boundaries_are_synthetic_and_valid(demo):
    from shapely.geometry import shape

    from indicators.models import Territory

    drawn = Territory.objects.exclude(boundary=None)
    assert drawn.filter(level="municipality").count() == 5
    for territory in drawn:
        assert "SYNTHETIC" in territory.boundary_source
        assert shape(territory.boundary).is_valid
