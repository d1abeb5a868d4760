"""Fulfilment records: on time vs late, first-upload pass rate, traffic light, who sees them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from partnerships.choices import RequestState as S
from partnerships.choices import RunStatus
from partnerships.models import Submission, ValidationRun
from partnerships.selectors_requests import fulfilment_for, traffic_light

from .requests_support import acquisition

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _answer(req, *, days_before_due: int, first_run: str, versions: int = 1) -> None:
    """Submissions for `req`, the last one uploaded `days_before_due` days before its due date."""
    for version in range(1, versions + 1):
        sub = Submission.objects.create(
            request=req,
            version=version,
            file=f"f{version}.csv",
            original_name="f.csv",
            format="csv",
            size=1,
            sha256=str(version),
        )
        status = first_run if version == 1 else RunStatus.PASSED
        ValidationRun.objects.create(submission=sub, status=status)
    uploaded = timezone.make_aware(
        dt.datetime.combine(req.due_on - dt.timedelta(days=days_before_due), dt.time(12))
    )
    Submission.objects.filter(request=req).update(uploaded_at=uploaded)


def _record(world, org=None):
    return fulfilment_for([org or world.partner_a])[0]


def test_a_partner_without_history_is_grey(world):
    record = _record(world)
    assert record.light == "grey" and record.on_time_rate is None


def test_answers_before_and_after_the_due_date_count_as_on_time_and_late(world):
    due = TODAY - dt.timedelta(days=10)
    _answer(acquisition(world, state=S.ACCEPTED, due_on=due), days_before_due=2, first_run="passed")
    _answer(
        acquisition(world, state=S.SUBMITTED, due_on=due), days_before_due=-3, first_run="failed"
    )
    acquisition(world, state=S.SENT, due_on=due)  # overdue, no answer
    acquisition(world, state=S.SENT, due_on=TODAY + dt.timedelta(days=5))  # not due yet
    record = _record(world)
    assert (record.answered_on_time, record.answered_late, record.overdue_unanswered) == (1, 1, 1)
    assert record.on_time_rate == pytest.approx(1 / 3, abs=0.001)
    assert (record.first_uploads, record.first_uploads_passed) == (2, 1)
    assert record.first_upload_pass_rate == 0.5
    assert record.light == "red"


def test_the_accepted_version_decides_timeliness_and_v1_decides_the_pass_rate(world):
    req = acquisition(world, state=S.ACCEPTED, due_on=TODAY)
    _answer(req, days_before_due=1, first_run="failed", versions=2)
    record = _record(world)
    assert (record.answered_on_time, record.first_uploads_passed, record.first_uploads) == (1, 0, 1)


def test_all_on_time_and_passing_is_green(world):
    for _ in range(3):
        req = acquisition(world, state=S.ACCEPTED, due_on=TODAY)
        _answer(req, days_before_due=1, first_run="passed")
    assert _record(world).light == "green"


@pytest.mark.parametrize(
    ("on_time", "first_pass", "light"),
    [
        (0.8, 0.6, "green"),
        (0.79, 0.9, "amber"),
        (0.9, 0.59, "amber"),
        (0.49, 1.0, "red"),
        (1.0, 0.29, "red"),
        (None, 0.7, "green"),
        (0.6, None, "amber"),
        (None, None, "grey"),
    ],
)
def test_traffic_light_thresholds(on_time, first_pass, light):
    assert traffic_light(on_time, first_pass)[0] == light


def test_nsi_staff_read_every_asked_organisation(world, api):
    acquisition(world, state=S.SENT)
    acquisition(world, state=S.SENT, provider=world.partner_b)
    body = api(world.nsi_manager).get("/api/v1/fulfilment/").json()
    assert {r["organisation_id"] for r in body} == {world.partner_a.pk, world.partner_b.pk}
    one = api(world.nsi_manager).get(f"/api/v1/fulfilment/?organisation={world.partner_b.pk}")
    assert [r["organisation_id"] for r in one.json()] == [world.partner_b.pk]


def test_a_partner_reads_only_its_own_record(world, api):
    acquisition(world, state=S.SENT, provider=world.partner_b)
    client = api(world.partner_a_user)
    assert [r["organisation_id"] for r in client.get("/api/v1/fulfilment/").json()] == [
        world.partner_a.pk
    ]
    assert client.get(f"/api/v1/fulfilment/{world.partner_a.pk}/").status_code == 200
    assert client.get(f"/api/v1/fulfilment/{world.partner_b.pk}/").status_code == 404
    filtered = client.get(f"/api/v1/fulfilment/?organisation={world.partner_b.pk}")
    assert filtered.json() == []


@pytest.mark.parametrize("orgs", [2, 6])
def test_fulfilment_list_query_count_is_constant(world, api, orgs, django_assert_num_queries):
    from django.contrib.auth.models import User

    from ..factories import OrganisationFactory

    for _ in range(orgs):
        org = OrganisationFactory()
        req = acquisition(world, state=S.ACCEPTED, provider=org, due_on=TODAY)
        _answer(req, days_before_due=0, first_run="passed")
    client = api(User.objects.get(pk=world.nsi_manager.pk))
    # memberships + organisations + requests + first runs
    with django_assert_num_queries(4):
        body = client.get("/api/v1/fulfilment/").json()
    assert len(body) == orgs
