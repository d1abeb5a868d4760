"""A foreign or invisible id answers exactly as a missing one, in a list filter or a body.

Before, a foreign id in a filter answered `200, count 0` while a missing one answered `400`,
so the difference told partner A that partner B's objects exist (issue 9).
"""

from __future__ import annotations

import pytest

from indicators import services as indicator_services
from tests.factories import (
    SIMPLE_SCHEMA,
    DataRequestFactory,
    IndicatorFactory,
    PilotFactory,
)

pytestmark = pytest.mark.django_db

MISSING = 987654


@pytest.fixture
def foreign(registry):
    """Partner B's request (with a submission) and contact, and another city's pilot."""
    from partnerships.models import Contact, Submission

    request_b = DataRequestFactory(
        requester=registry.nsi, provider=registry.partner_b, state="sent"
    )
    Submission.objects.create(
        request=request_b, version=1, original_name="b.csv", format="csv", size=1, sha256="0" * 64
    )
    Contact.objects.create(organisation=registry.partner_b, name="B contact")
    other_pilot = PilotFactory(country=registry.country, nsi=registry.nsi, name="Other city")
    return {"request_b": request_b, "other_pilot": other_pilot}


def _same_answer(client, path, foreign_id, own_id=None):
    foreign = client.get(path.format(foreign_id))
    missing = client.get(path.format(MISSING))
    assert foreign.status_code == missing.status_code == 400, path
    assert foreign.json() == missing.json(), path
    if own_id is not None:
        assert client.get(path.format(own_id)).status_code == 200, path


@pytest.mark.parametrize(
    ("path", "foreign_attr", "own_attr"),
    [
        ("/api/v1/memberships/?organisation={}", "partner_b", "partner_a"),
        ("/api/v1/memberships/?user={}", "partner_b_user", "partner_a_user"),
        ("/api/v1/contacts/?organisation={}", "partner_b", "partner_a"),
        ("/api/v1/case-studies/?agreement={}", "other_agreement", "agreement"),
        ("/api/v1/communication-plans/?agreement={}", "other_agreement", "agreement"),
        ("/api/v1/pilots/?local_government={}", "partner_b", None),
    ],
)
def test_a_foreign_id_in_a_filter_answers_as_a_missing_one(
    registry, api, path, foreign_attr, own_attr
):
    own = getattr(registry, own_attr).pk if own_attr else None
    _same_answer(api(registry.partner_a_user), path, getattr(registry, foreign_attr).pk, own)


def test_a_foreign_request_and_pilot_in_a_filter_answer_as_missing_ones(registry, api, foreign):
    client = api(registry.partner_a_user)
    _same_answer(client, "/api/v1/submissions/?request={}", foreign["request_b"].pk)
    _same_answer(
        client,
        "/api/v1/communication-plans/?pilot={}",
        foreign["other_pilot"].pk,
        registry.pilot.pk,
    )
    _same_answer(client, "/api/v1/policies/?pilot={}", foreign["other_pilot"].pk)


def test_staff_only_ids_in_a_filter_answer_as_missing_ones_to_others(registry, api):
    draft = indicator_services.publication_create(
        actor=registry.nsi_manager, series="x", title="X", indicators=[IndicatorFactory()]
    )
    _same_answer(api(None), "/api/v1/observations/?publication={}", draft.pk)


def test_an_unpublished_indicator_in_a_subscription_answers_as_a_missing_one(registry, api):
    IndicatorFactory(code="HIDDEN")
    client = api(registry.city_user)
    hidden = client.post("/api/v1/subscriptions/", {"indicators": ["HIDDEN"]}, format="json")
    missing = client.post("/api/v1/subscriptions/", {"indicators": ["NOPE"]}, format="json")
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json()["error"]["fields"]["indicators"] == [
        "Object with code=HIDDEN does not exist."
    ]
    assert missing.json()["error"]["fields"]["indicators"] == [
        "Object with code=NOPE does not exist."
    ]


def _body_answers(client, url, body, field, foreign_id):
    foreign = client.post(url, {**body, field: foreign_id}, format="json")
    missing = client.post(url, {**body, field: MISSING}, format="json")
    assert foreign.status_code == missing.status_code == 400
    assert foreign.json()["error"]["fields"][field] == [
        f'Invalid pk "{foreign_id}" - object does not exist.'
    ]
    assert missing.json()["error"]["fields"][field] == [
        f'Invalid pk "{MISSING}" - object does not exist.'
    ]


def test_city_staff_naming_another_citys_pilot_in_a_data_need(registry, api, foreign):
    body = {
        "direction": "data_need",
        "title": "Need",
        "purpose": "Budget",
        "requester": registry.city.pk,
        "provider": registry.nsi.pk,
        "table_schema": SIMPLE_SCHEMA,
    }
    client = api(registry.city_user)
    _body_answers(client, "/api/v1/data-requests/", body, "pilot", foreign["other_pilot"].pk)
    # Its own pilot is accepted.
    own = client.post("/api/v1/data-requests/", {**body, "pilot": registry.pilot.pk}, format="json")
    assert own.status_code == 201, own.json()


def test_city_staff_subscribing_to_a_pilot_it_cannot_see(registry, api, foreign):
    client = api(registry.city_user)
    _body_answers(client, "/api/v1/subscriptions/", {}, "pilot", foreign["other_pilot"].pk)
    own = client.post("/api/v1/subscriptions/", {"pilot": registry.pilot.pk}, format="json")
    assert own.status_code == 201


def test_a_partner_naming_another_partners_request_organisation(registry, api):
    body = {
        "direction": "data_need",
        "title": "Need",
        "purpose": "x",
        "provider": registry.nsi.pk,
        "table_schema": SIMPLE_SCHEMA,
    }
    _body_answers(
        api(registry.partner_a_user),
        "/api/v1/data-requests/",
        body,
        "requester",
        registry.partner_b.pk,
    )
