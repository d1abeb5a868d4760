"""Loading accepted submissions: mapping, row-numbered rejections, all or nothing, idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ddms_platform.core.errors import DomainError
from indicators import services
from indicators.models import Observation, ObservationLoad
from partnerships.choices import RequestState

MAPPING = {
    "territory": "opstina",
    "period": "godina",
    "value": "vrednost",
    "dimensions": {"sex": "pol"},
    "count": "broj",
}
CSV = (
    b"opstina,godina,pol,vrednost,broj\n"
    b"RS-KG-ST,2023,F,51.25,120\n"
    b"RS-KG-ST,2023,M,48.5,110\n"
    b"RS-KG-AE,2023-Q2,_T,40,3\n"
    b"RS-KG,2024-03,_T,,\n"
)


def snapshot_observations():
    return sorted(
        Observation.objects.values_list(
            "id", "territory__code", "period", "period_type", "dims_key", "value", "status", "count"
        )
    )


def test_load_maps_columns_and_parses_periods(world, geo, indicator, make_submission):
    submission = make_submission(CSV.replace(b"RS-KG,2024-03,_T,,", b"RS-KG,2024-03,_T,7,"))
    result = services.observations_load(
        submission=submission, mapping=MAPPING, indicator=indicator, actor=world.nsi_manager
    )
    assert result["rows"] == 4
    obs = Observation.objects.get(territory=geo.m1, dims_key="sex=F")
    assert (obs.period, obs.period_type, obs.value, obs.count) == (
        "2023",
        "A",
        Decimal("51.25"),
        120,
    )
    assert obs.submission == submission
    q = Observation.objects.get(territory=geo.m2)
    assert (q.period, q.period_type, str(q.period_start)) == ("2023-Q2", "Q", "2023-04-01")
    assert Observation.objects.get(territory=geo.city).period_type == "M"


def test_loading_the_same_submission_twice_leaves_the_same_observations(
    world, geo, indicator, make_submission
):
    submission = make_submission(CSV.replace(b"RS-KG,2024-03,_T,,", b"RS-KG,2024-03,_T,7,"))
    args = {"submission": submission, "mapping": MAPPING, "indicator": indicator}
    services.observations_load(actor=world.nsi_manager, **args)
    first = snapshot_observations()
    services.observations_load(actor=world.nsi_manager, **args)
    assert snapshot_observations() == first
    assert len(first) == 4


def test_unknown_territory_code_fails_with_row_numbers_and_loads_nothing(
    world, geo, indicator, make_submission
):
    content = CSV.replace(b"RS-KG,2024-03,_T,,", b"RS-KG,2024-03,_T,7,") + (
        b"RS-NOWHERE,2023,F,1,50\nRS-KG-ST,2023,F,1,50\nRS-ALSO-BAD,2023,M,2,50\n"
    )
    submission = make_submission(content)
    with pytest.raises(DomainError) as caught:
        services.observations_load(
            submission=submission, mapping=MAPPING, indicator=indicator, actor=world.nsi_manager
        )
    error = caught.value
    assert error.code == "load_rejected"
    assert error.extra["rows"] == [6, 7, 8]
    notes = {(e["rowNumber"], e["note"].split(" (")[0]) for e in error.extra["errors"]}
    assert (6, "unknown territory code") in notes and (8, "unknown territory code") in notes
    assert any(e["rowNumber"] == 7 and "repeats" in e["note"] for e in error.extra["errors"])
    assert "6, 7, 8" in error.message
    assert Observation.objects.count() == 0


def test_bad_periods_codes_values_and_statuses_are_all_reported(
    world, geo, indicator, make_submission
):
    content = (
        b"opstina,godina,pol,vrednost,broj\n"
        b"RS-KG-ST,2023-13,F,1,1\n"
        b"RS-KG-ST,2023,X,1,1\n"
        b"RS-KG-ST,2022,F,abc,1\n"
        b"RS-KG-ST,2021,F,,1\n"  # empty without a status column: loaded as missing (M)
        b"RS-KG-ST,2020,F,1,-4\n"
    )
    with pytest.raises(DomainError) as caught:
        services.observations_load(
            submission=make_submission(content),
            mapping=MAPPING,
            indicator=indicator,
            actor=world.nsi_manager,
        )
    got = {(e["rowNumber"], e["fieldName"]) for e in caught.value.extra["errors"]}
    assert got == {(2, "godina"), (3, "pol"), (4, "vrednost"), (6, "broj")}
    assert not Observation.objects.exists()


def test_mapping_with_unknown_column_is_rejected(world, geo, indicator, make_submission):
    with pytest.raises(DomainError) as caught:
        services.observations_load(
            submission=make_submission(CSV),
            mapping={**MAPPING, "value": "iznos"},
            indicator=indicator,
            actor=world.nsi_manager,
        )
    assert caught.value.code == "unknown_column" and caught.value.extra["columns"] == ["iznos"]


def test_submission_of_a_request_not_accepted_cannot_be_loaded(
    world, geo, indicator, make_submission
):
    submission = make_submission(CSV, state=RequestState.SUBMITTED)
    with pytest.raises(DomainError) as caught:
        services.observations_load(
            submission=submission, mapping=MAPPING, indicator=indicator, actor=world.nsi_manager
        )
    assert caught.value.code == "not_accepted"


def test_cp1251_file_is_decoded(world, geo, indicator, make_submission):
    content = "општина,година,пол,вредност\nRS-KG-ST,2023,F,1.5\n".encode("cp1251")
    submission = make_submission(content)
    submission.encoding = ""
    submission.save()
    mapping = {
        "territory": "општина",
        "period": "година",
        "value": "вредност",
        "dimensions": {"sex": "пол"},
    }
    services.observations_load(
        submission=submission, mapping=mapping, indicator=indicator, actor=world.nsi_manager
    )
    assert Observation.objects.get().value == Decimal("1.5")


def test_load_job_via_api_records_its_outcome(
    world, api, geo, indicator, make_submission, django_capture_on_commit_callbacks
):
    submission = make_submission(CSV.replace(b"RS-KG,2024-03,_T,,", b"RS-KG,2024-03,_T,7,"))
    body = {"submission": submission.pk, "indicator": "PT_ACCESS", "mapping": MAPPING}
    assert (
        api(world.partner_a_user)
        .post("/api/v1/observation-loads/", body, format="json")
        .status_code
        == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = api(world.nsi_manager).post("/api/v1/observation-loads/", body, format="json")
    assert response.status_code == 202, response.json()
    load = ObservationLoad.objects.get()
    # Eager Celery ran the job on commit.
    assert load.status == "done" and load.result["rows"] == 4
    assert Observation.objects.count() == 4
    assert api(world.partner_a_user).get("/api/v1/working-observations/").status_code == 403
    assert api(world.nsi_manager).get("/api/v1/working-observations/").json()["count"] == 4


def test_failed_load_job_keeps_the_error_report(
    world, api, geo, indicator, make_submission, django_capture_on_commit_callbacks
):
    submission = make_submission(CSV + b"RS-NOPE,2023,F,1,1\n")
    body = {"submission": submission.pk, "indicator": "PT_ACCESS", "mapping": MAPPING}
    with django_capture_on_commit_callbacks(execute=True):
        api(world.nsi_manager).post("/api/v1/observation-loads/", body, format="json")
    load = ObservationLoad.objects.get()
    assert load.status == "failed"
    assert load.result["code"] == "load_rejected" and 6 in load.result["rows"]


def test_a_load_queued_while_the_broker_is_down_is_run_by_the_sweep(
    world, api, geo, indicator, make_submission, django_capture_on_commit_callbacks
):
    from ddms_platform.celery import app as celery_app
    from ddms_platform.core.jobs import jobs_sweep
    from tests.services import free_port, producer_broker

    submission = make_submission(CSV.replace(b"RS-KG,2024-03,_T,,", b"RS-KG,2024-03,_T,7,"))
    body = {"submission": submission.pk, "indicator": "PT_ACCESS", "mapping": MAPPING}
    celery_app.conf.task_always_eager = False
    try:
        with (
            producer_broker(f"redis://127.0.0.1:{free_port()}/0"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = api(world.nsi_manager).post(
                "/api/v1/observation-loads/", body, format="json"
            )
    finally:
        celery_app.conf.task_always_eager = True
    assert response.status_code == 202
    load = ObservationLoad.objects.get()
    assert (load.status, load.attempts) == ("queued", 0)
    assert load.dispatched_at is None  # the broker never took it
    assert jobs_sweep()["published"] == 1  # the broker is back: at the next sweep, no wait
    load.refresh_from_db()
    assert load.status == "done" and Observation.objects.count() == 4
    assert jobs_sweep()["published"] == 0


def _load_job(world, api, submission, capture) -> ObservationLoad:
    body = {"submission": submission.pk, "indicator": "PT_ACCESS", "mapping": MAPPING}
    with capture(execute=True):
        response = api(world.nsi_manager).post("/api/v1/observation-loads/", body, format="json")
    assert response.status_code == 202, response.json()
    return ObservationLoad.objects.get()


def test_a_year_zero_period_ends_the_load_in_error_with_a_clear_message(
    world, api, geo, indicator, make_submission, django_capture_on_commit_callbacks
):
    # "0000-01" passes the schema's pattern; the loader then cannot make a date of it.
    submission = make_submission(CSV.replace(b"RS-KG,2024-03,_T,,", b"RS-KG,0000-01,_T,7,"))
    load = _load_job(world, api, submission, django_capture_on_commit_callbacks)
    assert (load.status, load.attempts) == ("error", 1)
    assert "year 0 is out of range" in load.last_error
    assert "Nothing was changed" in load.last_error and load.finished_at is not None
    assert Observation.objects.count() == 0


def test_any_unexpected_exception_ends_the_load_in_error(
    world, api, geo, indicator, make_submission, django_capture_on_commit_callbacks, monkeypatch
):
    from indicators.services import observations

    def broken(submission):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(observations, "open_table", broken)
    submission = make_submission(CSV.replace(b"RS-KG,2024-03,_T,,", b"RS-KG,2024-03,_T,7,"))
    load = _load_job(world, api, submission, django_capture_on_commit_callbacks)
    assert load.status == "error" and load.worker and load.heartbeat_at is None
    assert load.last_error.startswith("Loading stopped by an unexpected error (RuntimeError")
    assert "disk on fire" in load.last_error


def test_a_load_whose_workers_keep_dying_is_given_up_by_the_sweep(
    world, geo, indicator, make_submission, settings
):
    import datetime as dt

    from django.utils import timezone

    from ddms_platform.core.jobs import jobs_sweep

    submission = make_submission(CSV)
    expired = timezone.now() - dt.timedelta(seconds=settings.DDMS_JOB_LEASE_SECONDS + 1)
    load = ObservationLoad.objects.create(
        submission=submission,
        indicator=indicator,
        mapping=MAPPING,
        status="running",
        attempts=settings.DDMS_JOB_MAX_ATTEMPTS,
        heartbeat_at=expired,
        worker="gone:1:x",
    )
    assert jobs_sweep()["recovered"] == 1
    load.refresh_from_db()
    assert load.status == "error" and "started 3 times" in load.last_error


# --- a period request's submission: the load knows the period --------------------------------

NO_PERIOD = {k: v for k, v in MAPPING.items() if k != "period"}


def test_a_period_requests_file_without_a_period_column_loads_into_that_period(
    world, geo, indicator, make_submission
):
    content = b"opstina,pol,vrednost,broj\nRS-KG-ST,F,51.25,120\nRS-KG-AE,_T,40,3\n"
    submission = make_submission(content, period="2026-03")
    services.observations_load(
        submission=submission, mapping=NO_PERIOD, indicator=indicator, actor=world.nsi_manager
    )
    assert set(Observation.objects.values_list("period", "period_type")) == {("2026-03", "M")}


def test_a_one_off_requests_mapping_still_needs_a_period_column(
    world, geo, indicator, make_submission
):
    submission = make_submission(b"opstina,pol,vrednost,broj\nRS-KG-ST,F,1,120\n")
    with pytest.raises(DomainError) as caught:
        services.observations_load(
            submission=submission, mapping=NO_PERIOD, indicator=indicator, actor=world.nsi_manager
        )
    assert caught.value.extra["missing"] == ["period"]


def test_rows_outside_the_requests_period_reject_the_file(world, geo, indicator, make_submission):
    content = (
        b"opstina,godina,pol,vrednost,broj\n"
        b"RS-KG-ST,2026-02,F,1,120\nRS-KG-ST,2026-04,M,1,120\nRS-KG-AE,2026-Q1,_T,1,3\n"
    )
    submission = make_submission(content, period="2026-Q1")
    with pytest.raises(DomainError) as caught:
        services.observations_load(
            submission=submission, mapping=MAPPING, indicator=indicator, actor=world.nsi_manager
        )
    notes = [e for e in caught.value.extra["errors"] if "outside" in str(e)]
    assert len(notes) == 1 and "2026-04" in str(notes[0])
    assert not Observation.objects.exists()
