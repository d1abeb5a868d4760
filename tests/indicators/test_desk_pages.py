"""The NSI desk pages: loading with a column mapping, requests withdrawn and closed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ddms_platform.core.audit import audit_record
from ddms_platform.core.errors import DomainError
from indicators import services
from indicators.models import ObservationLoad
from partnerships.choices import RequestState

CSV = b"opstina,godina,pol,vrednost,broj\nRS-KG-ST,2023,F,51.25,120\nNOPE,2023,M,48.5,110\n"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_load_page_previews_the_file_and_offers_its_columns(
    world, geo, indicator, make_submission
):
    submission = make_submission(CSV)
    page = _client(world.nsi_manager).get(
        reverse("indicators:load-create"),
        {"submission": submission.pk, "indicator": indicator.pk},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "RS-KG-ST" in html and "51.25" in html  # the first rows
    assert '<option value="vrednost">vrednost</option>' in html  # a drop-down of columns
    assert 'name="dim_sex"' in html


def test_the_load_page_queues_a_job_and_shows_rejected_rows_inline(
    world, geo, indicator, make_submission, django_capture_on_commit_callbacks
):
    submission = make_submission(CSV)
    client = _client(world.nsi_manager)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("indicators:load-create"),
            {
                "submission": submission.pk,
                "indicator": indicator.pk,
                "territory": "opstina",
                "period": "godina",
                "value": "vrednost",
                "dim_sex": "pol",
                "count": "broj",
            },
        )
    load = ObservationLoad.objects.get()
    assert response.status_code == 302 and load.mapping["dimensions"] == {"sex": "pol"}
    page = client.get(reverse("indicators:load-detail", args=[load.pk])).content.decode()
    assert 'http-equiv="refresh"' in page  # progress: the page refreshes while queued
    services.observation_load_run(load_id=load.pk)
    page = client.get(reverse("indicators:load-detail", args=[load.pk])).content.decode()
    assert 'id="load-errors"' in page and "unknown territory code" in page and "<td>3</td>" in page
    assert 'http-equiv="refresh"' not in page


def test_the_load_page_is_not_for_partners(world, make_submission):
    submission = make_submission(CSV)
    for user in (world.partner_a_user, world.city_user):
        assert _client(user).get(reverse("indicators:load-create")).status_code == 404
    assert Client().get(reverse("indicators:load-create")).status_code == 302
    assert submission.observation_loads.count() == 0


def test_whoever_accepted_a_submission_cannot_also_load_it(
    world, geo, indicator, make_submission, nsi_approver
):
    submission = make_submission(CSV)
    audit_record(actor=world.nsi_manager, action="data_request.accepted", obj=submission.request)
    mapping = {
        "territory": "opstina",
        "period": "godina",
        "value": "vrednost",
        "dimensions": {"sex": "pol"},
    }
    with pytest.raises(DomainError, match="Four eyes"):
        services.observation_load_request(
            actor=world.nsi_manager, submission=submission, indicator=indicator, mapping=mapping
        )
    load = services.observation_load_request(
        actor=nsi_approver, submission=submission, indicator=indicator, mapping=mapping
    )
    assert load.status == "queued"


def test_the_nsi_withdraws_a_sent_request_and_closes_an_accepted_one(world, make_submission):
    accepted = make_submission(CSV).request
    client = _client(world.nsi_manager)
    client.post(reverse("partnerships:request-close", args=[accepted.pk]))
    accepted.refresh_from_db()
    assert accepted.state == RequestState.CLOSED
    sent = make_submission(CSV, state=RequestState.SENT).request
    page = client.get(reverse("partnerships:request-detail", args=[sent.pk])).content.decode()
    assert 'id="request-withdraw"' in page
    client.post(reverse("partnerships:request-withdraw", args=[sent.pk]), {"reason": "Not needed."})
    sent.refresh_from_db()
    assert sent.state == RequestState.WITHDRAWN


def test_a_partner_cannot_withdraw_or_close_through_the_nsi_pages(world, make_submission):
    request = make_submission(CSV).request
    for name in ("partnerships:request-close", "partnerships:request-withdraw"):
        assert (
            _client(world.partner_a_user).post(reverse(name, args=[request.pk])).status_code == 404
        )
    request.refresh_from_db()
    assert request.state == RequestState.ACCEPTED
