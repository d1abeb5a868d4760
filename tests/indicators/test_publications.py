"""Releases: the embargo at the exact boundary, revisions, the due-release job, disclosure."""

from __future__ import annotations

import datetime as dt

import pytest

from ddms_platform.core.errors import IllegalTransition
from ddms_platform.notify.models import OutboxEvent
from indicators import services
from indicators.models import Publication
from tests.factories import approved

from .conftest import T0, add_obs, scheduled_release

SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def release(world, geo, indicator, make_submission):
    submission = make_submission(b"x")
    a = add_obs(indicator, geo.m1, "2023", "51.25", submission=submission)
    add_obs(indicator, geo.m2, "2023", "40", count=120)
    return scheduled_release(world.nsi_manager, indicator, geo.city, T0), a


def public_views(api, pub_id, obs_id):
    anon = api(None)
    return {
        "catalogue": anon.get("/api/v1/indicators/").json()["results"],
        "indicator": anon.get("/api/v1/indicators/PT_ACCESS/").status_code,
        "series": anon.get("/api/v1/indicators/PT_ACCESS/series/").status_code,
        "observations": anon.get("/api/v1/observations/").json()["results"],
        "observation": anon.get(f"/api/v1/observations/{obs_id}/").status_code,
        "lineage": anon.get(f"/api/v1/observations/{obs_id}/lineage/").status_code,
        "publications": anon.get("/api/v1/publications/").json()["results"],
        "publication": anon.get(f"/api/v1/publications/{pub_id}/").status_code,
        "frozen": anon.get(f"/api/v1/publications/{pub_id}/observations/").status_code,
        "json": b"".join(anon.get("/api/v1/open-data/observations.json").streaming_content),
        "csv": b"".join(anon.get("/api/v1/open-data/observations.csv").streaming_content),
        "sdmx": anon.get("/api/v1/open-data/observations.sdmx.csv?indicator=PT_ACCESS").status_code,
        "calendar": anon.get("/api/v1/release-calendar/").json(),
        "ics": anon.get("/api/v1/release-calendar.ics").content,
    }


def test_one_second_before_release_anonymous_sees_nothing_anywhere(world, api, release, frozen_now):
    publication, _ = release
    frozen_now(T0 - SECOND)
    released = publication.released_observations.first()
    seen = public_views(api, publication.pk, released.pk)
    assert seen["catalogue"] == [] and seen["observations"] == [] and seen["publications"] == []
    for key in ("indicator", "series", "observation", "lineage", "publication", "frozen"):
        assert seen[key] == 404, key
    assert seen["json"] == b"[]"
    assert seen["csv"].decode().strip().splitlines() == [
        "indicator,territory,period,dimensions,value,status,publication,owner"
    ]
    assert seen["sdmx"] == 400
    # The announcement only: date, title, state and indicators, never a value.
    assert seen["calendar"] == [
        {
            "id": publication.pk,
            "release_at": "2030-01-15T10:00:00+01:00",
            "title": "Access to transport",
            "state": "scheduled",
            "reason": "",
            "indicators": [],  # PT_ACCESS is not public yet, so the announcement names none
            "released": False,
        }
    ]
    assert b"Access to transport" in seen["ics"] and b"51.2" not in seen["ics"]
    # NSI staff see the embargoed release and its values.
    staff = api(world.nsi_manager)
    assert staff.get(f"/api/v1/publications/{publication.pk}/").status_code == 200
    assert staff.get("/api/v1/observations/").json()["count"] == 2
    # A partner is as blind as the public.
    assert api(world.partner_a_user).get("/api/v1/observations/").json()["results"] == []


@pytest.mark.parametrize("offset", [dt.timedelta(0), SECOND])
def test_at_and_after_release_time_everything_is_public_even_if_the_job_is_late(
    api, release, frozen_now, offset
):
    publication, _ = release
    frozen_now(T0 + offset)
    assert Publication.objects.get(pk=publication.pk).state == "scheduled"  # job has not run
    released = publication.released_observations.order_by("territory_code").first()
    seen = public_views(api, publication.pk, released.pk)
    assert [i["code"] for i in seen["catalogue"]] == ["PT_ACCESS"]
    for key in ("indicator", "series", "observation", "lineage", "publication", "frozen", "sdmx"):
        assert seen[key] == 200, key
    assert len(seen["observations"]) == 2 and len(seen["publications"]) == 1
    assert b"51.3" in seen["json"] and b"51.3" in seen["csv"]  # rounded to 1 decimal
    assert seen["calendar"][0]["released"] is True and seen["calendar"][0]["id"] == publication.pk


def test_due_release_job_publishes_once_and_records_the_event(release):
    publication, _ = release
    assert services.publish_due_releases(now=T0 - SECOND) == []
    assert services.publish_due_releases(now=T0) == [publication.pk]
    assert services.publish_due_releases(now=T0 + SECOND) == []
    publication.refresh_from_db()
    assert publication.state == "published"
    event = OutboxEvent.objects.get(kind="publication.released")
    assert event.payload == {
        "publication_id": publication.pk,
        "version": 1,
        "supersedes_id": None,
        "diff_summary": {"added": 2, "removed": 0, "changed": 0},
    }


def test_revision_keeps_v1_readable_and_reports_exactly_what_changed(
    world, api, geo, indicator, release, frozen_now
):
    v1, obs_a = release
    services.publish_due_releases(now=T0)
    # Corrections: one value changes, one status changes, one observation is added.
    obs_a.value = "52.00"
    obs_a.save()
    other = v1.released_observations.get(territory_code="RS-KG-AE").observation
    other.status = "P"
    other.save()
    add_obs(indicator, geo.m1, "2024", "53")
    frozen_now(T0 + dt.timedelta(hours=1))
    v2 = services.publication_revise(actor=world.nsi_manager, publication=v1)
    t2 = T0 + dt.timedelta(days=1)
    services.publication_schedule(actor=world.nsi_manager, publication=approved(v2), release_at=t2)
    v2.refresh_from_db()
    assert v2.diff_summary == {"added": 1, "removed": 0, "changed": 2}
    changed = {(c["territory"], c["period"]): (c["before"], c["after"]) for c in v2.diff["changed"]}
    assert changed == {
        ("RS-KG-ST", "2023"): ({"value": "51.3", "status": "A"}, {"value": "52", "status": "A"}),
        ("RS-KG-AE", "2023"): ({"value": "40", "status": "A"}, {"value": "40", "status": "P"}),
    }
    assert [(a["territory"], a["period"]) for a in v2.diff["added"]] == [("RS-KG-ST", "2024")]
    # Before v2's time the public still gets v1; after it, v2, and v1 stays readable.
    frozen_now(t2 - SECOND)
    series = api(None).get("/api/v1/indicators/PT_ACCESS/series/").json()["observations"]
    assert len(series) == 2
    frozen_now(t2)
    series = api(None).get("/api/v1/indicators/PT_ACCESS/series/").json()["observations"]
    assert sorted((o["territory"], o["period"], o["value"], o["status"]) for o in series) == [
        ("RS-KG-AE", "2023", 40.0, "P"),
        ("RS-KG-ST", "2023", 52.0, "A"),
        ("RS-KG-ST", "2024", 53.0, "A"),
    ]
    old = api(None).get(f"/api/v1/publications/{v1.pk}/observations/").json()["results"]
    assert sorted(o["value"] for o in old) == ["40.00000000", "51.30000000"]
    services.publish_due_releases(now=t2)
    v1.refresh_from_db()
    assert v1.state == "superseded"
    event = OutboxEvent.objects.filter(kind="publication.released").last()
    assert event.payload["supersedes_id"] == v1.pk and event.payload["version"] == 2


def test_disclosure_rule_suppresses_small_cells_as_confidential(world, geo, indicator):
    indicator.min_cell_count = 10
    indicator.save()
    add_obs(indicator, geo.m1, "2023", "12.5", count=3)
    add_obs(indicator, geo.m2, "2023", "40", count=10)
    pub = services.publication_create(
        actor=world.nsi_manager, series="s", title="t", indicators=[indicator], territory=geo.city
    )
    services.publication_publish(actor=world.nsi_manager, publication=approved(pub))
    rows = dict(pub.released_observations.values_list("territory_code", "status"))
    assert rows == {"RS-KG-ST": "C", "RS-KG-AE": "A"}
    assert pub.released_observations.get(territory_code="RS-KG-ST").value is None


def test_illegal_transitions_are_refused(world, release):
    publication, _ = release
    services.publish_due_releases(now=T0)
    publication.refresh_from_db()
    with pytest.raises(IllegalTransition):
        services.publication_schedule(
            actor=world.nsi_manager,
            publication=approved(publication),
            release_at=T0 + SECOND * 99,
            now=T0,
        )


def test_partner_cannot_manage_publications(world, api, release):
    publication, _ = release
    for user in (None, world.partner_a_user, world.city_user):
        response = api(user).post(f"/api/v1/publications/{publication.pk}/publish/")
        assert response.status_code in (401, 403, 404)
    assert Publication.objects.get(pk=publication.pk).state == "scheduled"
    response = api(world.nsi_manager).post(
        f"/api/v1/publications/{publication.pk}/publish/", {"reason": "Early, for the test."}
    )
    assert response.status_code == 200 and response.json()["state"] == "published"
