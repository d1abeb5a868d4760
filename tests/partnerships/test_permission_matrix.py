"""Who may do what on every registry endpoint: role × operation → status.

Partner A is a party to agreement AGR-A and a partner of pilot A (the city's pilot); partner B
is a party to AGR-B only. Objects outside a user's scope answer 404, never 403.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import transaction
from rest_framework.test import APIRequestFactory

from partnerships.api.serializers import CaseStudySerializer, PilotSerializer
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "partner_a",
    "partner_a_viewer",
    "partner_b",
    "city",
    "city_viewer",
    "nsi",
    "nsi_viewer",
    "admin",
]
USERS = {
    "anonymous": None,
    "partner_a": "partner_a_user",
    "partner_a_viewer": "partner_a_viewer",
    "partner_b": "partner_b_user",
    "city": "city_user",
    "city_viewer": "city_viewer",
    "nsi": "nsi_manager",
    "nsi_viewer": "nsi_viewer",
    "admin": "admin",
}
# A viewer reads what its organisation's members read, and writes nothing.
READS_AS = {"partner_a_viewer": "partner_a", "city_viewer": "city", "nsi_viewer": "nsi"}


def _bodies(r: SimpleNamespace) -> dict[str, dict]:
    return {
        "organisations": {"name": "New org", "kind": "ngo", "country": "RS"},
        "memberships": {"user": r.outsider.pk, "organisation": r.partner_a.pk, "role": "viewer"},
        "agreements": {
            "reference": "AGR-NEW",
            "title": "New",
            "nsi": r.nsi.pk,
            "type": "mou",
            "parties": [{"organisation": r.partner_a.pk}],
        },
        "case-studies": {"agreement": r.agreement.pk, "title": "New case"},
        "pilots": {
            "name": "New pilot",
            "city": "Kragujevac",
            "country": "RS",
            "nsi": r.nsi.pk,
            "local_government": r.city.pk,
            "decision_relevance": "Budget decisions.",
        },
        "policies": {"pilot": r.pilot.pk, "name": "New policy", "kind": "programme"},
        "communication-plans": {"title": "New plan", "owner": r.nsi.pk, "pilot": r.pilot.pk},
        "activities": {
            "plan": r.plan.pk,
            "kind": "meeting",
            "title": "Kick-off",
            "starts_at": "2026-05-01T09:00:00Z",
        },
        "knowledge-articles": {"title": "New article", "kind": "guideline"},
    }


def _objects(r: SimpleNamespace) -> dict[str, int]:
    return {
        "organisations": r.partner_a.pk,
        "agreements": r.agreement.pk,
        "case-studies": r.case_study.pk,
        "pilots": r.pilot.pk,
        "policies": r.policy.pk,
        "communication-plans": r.plan.pk,
        "activities": r.activity.pk,
        "knowledge-articles": r.draft.pk,
    }


UPDATES = {
    "organisations": {"short_name": "PA"},
    "agreements": {"goals": "Forecast prices."},
    "case-studies": {"narrative": "Updated."},
    "pilots": {"description": "Updated."},
    "policies": {"description": "Updated."},
    "communication-plans": {"key_messages": "Updated."},
    "activities": {"location": "City hall"},
    "knowledge-articles": {"summary": "Updated."},
}

A = 401  # anonymous: not authenticated
# Reading the object: partner A is in scope everywhere; the city only for the pilot side.
SCOPED_READ = {
    "organisations": {"partner_a": 200, "partner_b": 404, "city": 404},
    "agreements": {"partner_a": 200, "partner_b": 404, "city": 404},
    "case-studies": {"partner_a": 200, "partner_b": 404, "city": 404},
    "pilots": {"partner_a": 200, "partner_b": 404, "city": 200},
    "policies": {"partner_a": 200, "partner_b": 404, "city": 200},
    "communication-plans": {"partner_a": 200, "partner_b": 404, "city": 200},
    "activities": {"partner_a": 200, "partner_b": 404, "city": 200},
    # The object is a draft article: NSI staff only.
    "knowledge-articles": {"partner_a": 404, "partner_b": 404, "city": 404},
}


def _expected(endpoint: str, operation: str, role: str) -> int:
    if role == "anonymous":
        return A
    reader = READS_AS.get(role, role)
    staff = reader in ("nsi", "admin")
    writer = role in ("nsi", "admin")
    if operation == "list":
        return 200
    if operation == "create":
        return 201 if writer else 403
    read = 200 if staff else SCOPED_READ[endpoint][reader]
    if operation in ("detail", "history", "documents", "calendar"):
        return read
    # Writes on an object: 404 when it cannot be seen, 403 when seen but not writable.
    return read if read == 404 else (200 if writer else 403)


OPERATIONS = (
    [(e, op) for e in UPDATES for op in ("list", "detail", "create", "update")]
    + [("agreements", op) for op in ("transition", "history", "documents")]
    + [("communication-plans", "calendar"), ("memberships", "list"), ("memberships", "create")]
)


def _call(client, registry, endpoint: str, operation: str):
    base = f"/api/v1/{endpoint}/"
    obj = _objects(registry).get(endpoint)
    if operation == "list":
        return client.get(base)
    if operation == "detail":
        return client.get(f"{base}{obj}/")
    if operation == "create":
        return client.post(base, _bodies(registry)[endpoint], format="json")
    if operation == "update":
        return client.patch(f"{base}{obj}/", UPDATES[endpoint], format="json")
    if operation == "transition":
        return client.post(f"{base}{obj}/transition/", {"target": "negotiation"}, format="json")
    if operation == "calendar":
        return client.get(f"{base}{obj}/calendar.ics")
    return client.get(f"{base}{obj}/{operation}/")


@pytest.mark.parametrize(("endpoint", "operation"), OPERATIONS)
def test_permission_matrix(registry, api, endpoint, operation):
    """One row of the matrix: every role tries the operation; each try is rolled back.

    The roles share one fixture (and one test) so the matrix stays fast; a savepoint per
    role keeps one role's write from changing what the next one sees.
    """
    got, want = {}, {}
    for role in ROLES:
        user = getattr(registry, USERS[role]) if USERS[role] else None
        with transaction.atomic():
            response = _call(api(user), registry, endpoint, operation)
            transaction.set_rollback(True)
        got[role], want[role] = response.status_code, _expected(endpoint, operation, role)
        if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
            assert set(response.json()["error"]) >= {"status", "code", "message"}
    assert got == want


@pytest.mark.parametrize(
    ("role", "references"),
    [("partner_a", ["AGR-A"]), ("partner_b", ["AGR-B"]), ("city", []), ("nsi", ["AGR-A", "AGR-B"])],
)
def test_agreement_list_holds_only_own_rows(registry, api, role, references):
    rows = api(getattr(registry, USERS[role])).get("/api/v1/agreements/?ordering=reference").json()
    assert [a["reference"] for a in rows["results"]] == references


@pytest.mark.parametrize(
    ("endpoint", "visible_to_b"),
    [
        ("case-studies", 0),
        ("pilots", 0),
        ("policies", 0),
        ("communication-plans", 0),
        ("activities", 0),
        ("contacts", 0),
    ],
)
def test_other_partners_lists_are_empty_for_partner_b(registry, api, endpoint, visible_to_b):
    assert api(registry.partner_b_user).get(f"/api/v1/{endpoint}/").json()["count"] == visible_to_b
    assert api(registry.partner_a_user).get(f"/api/v1/{endpoint}/").json()["count"] >= 0


def test_filtering_by_a_foreign_party_leaks_nothing(registry, api):
    client = api(registry.partner_b_user)
    response = client.get(f"/api/v1/agreements/?party={registry.partner_a.pk}")
    assert response.json()["count"] == 0


def test_foreign_organisation_in_a_body_is_400(registry, api):
    manager = MembershipFactory(organisation=registry.partner_a, role="manager").user
    response = api(manager).post(
        "/api/v1/contacts/", {"organisation": registry.partner_b.pk, "name": "X"}, format="json"
    )
    assert response.status_code == 400
    assert "organisation" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("serializer", "field", "target"),
    [(CaseStudySerializer, "agreement", "agreement"), (PilotSerializer, "agreements", "agreement")],
)
def test_an_agreement_id_the_user_cannot_see_is_rejected(registry, serializer, field, target):
    request = APIRequestFactory().post("/")
    request.user = registry.partner_b_user
    value = getattr(registry, target).pk
    data = {field: [value] if field.endswith("s") else value}
    bound = serializer(data=data, context={"request": request}, partial=True)
    assert not bound.is_valid()
    assert "does not exist" in str(bound.errors[field])


def test_nsi_staff_naming_a_missing_agreement_gets_400(registry, api):
    response = api(registry.nsi_manager).post(
        "/api/v1/case-studies/", {"agreement": 987654, "title": "X"}, format="json"
    )
    assert response.status_code == 400
    assert "agreement" in response.json()["error"]["fields"]
