"""Every registry list endpoint answers in a fixed number of queries, whatever the row count."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from partnerships.models import Contact, Country
from tests.factories import (
    ActivityFactory,
    AgreementFactory,
    CaseStudyFactory,
    CommunicationPlanFactory,
    KnowledgeArticleFactory,
    MembershipFactory,
    OrganisationFactory,
    PilotFactory,
    PolicyFactory,
    PolicyTargetFactory,
)

pytestmark = pytest.mark.django_db


def _orgs(w, n):
    for _ in range(n):
        OrganisationFactory(country=w.country, parent=w.nsi)


def _contacts(w, n):
    for i in range(n):
        Contact.objects.create(organisation=w.partner_a, name=f"Person {i}")


def _memberships(w, n):
    for _ in range(n):
        MembershipFactory(organisation=w.partner_a)


def _agreements(w, n):
    for _ in range(n):
        AgreementFactory(nsi=w.nsi, partners=[w.partner_a, w.partner_b])


def _case_studies(w, n):
    for _ in range(n):
        case = CaseStudyFactory(agreement=AgreementFactory(nsi=w.nsi, partners=[w.partner_a]))
        case.objectives.create(objective="One")
        case.objectives.create(objective="Two")


def _pilot(w):
    pilot = PilotFactory(country=w.country, nsi=w.nsi, local_government=w.city)
    pilot.partners.add(w.partner_a, w.partner_b)
    pilot.agreements.add(AgreementFactory(nsi=w.nsi, partners=[w.partner_a]))
    return pilot


def _pilots(w, n):
    for _ in range(n):
        _pilot(w)


def _policies(w, n):
    pilot = _pilot(w)
    for _ in range(n):
        policy = PolicyFactory(pilot=pilot)
        PolicyTargetFactory(policy=policy)
        PolicyTargetFactory(policy=policy, indicator_code="MOB-PT-SHARE")


def _plans(w, n):
    pilot = _pilot(w)
    for _ in range(n):
        plan = CommunicationPlanFactory(pilot=pilot, owner=w.nsi)
        ActivityFactory(plan=plan)
        ActivityFactory(plan=plan)


def _activities(w, n):
    plan = CommunicationPlanFactory(pilot=_pilot(w), owner=w.nsi)
    for _ in range(n):
        ActivityFactory(plan=plan, owner=w.nsi_manager)


def _articles(w, n):
    for _ in range(n):
        KnowledgeArticleFactory(author_organisation=w.nsi)


def _countries(w, n):
    start = Country.objects.count()
    for i in range(start, start + n):
        Country.objects.create(code=f"{i:02d}", name=f"Country {i}")


# endpoint, row builder, queries as NSI staff, queries as partner A
CASES: list[tuple[str, Callable[..., None], int, int]] = [
    ("organisations", _orgs, 2, 2),
    ("contacts", _contacts, 2, 2),
    ("memberships", _memberships, 2, 2),
    ("agreements", _agreements, 3, 3),
    # + the deliverables the objectives are measured by
    ("case-studies", _case_studies, 4, 4),
    ("pilots", _pilots, 4, 4),
    ("policies", _policies, 3, 3),
    ("communication-plans", _plans, 3, 3),
    ("activities", _activities, 2, 2),
    ("knowledge-articles", _articles, 2, 2),
    ("countries", _countries, 2, 2),
]


@pytest.mark.parametrize(("endpoint", "build", "staff_queries", "partner_queries"), CASES)
def test_list_query_count_is_the_same_for_2_and_10_rows(
    world, api, django_assert_num_queries, endpoint, build, staff_queries, partner_queries
):
    for added, total in ((2, 2), (8, 10)):
        build(world, added)
        for user, expected in (
            (world.nsi_manager, staff_queries),
            (world.partner_a_user, partner_queries),
        ):
            client = api(user)
            client.get(f"/api/v1/{endpoint}/")  # warm the per-user membership cache
            with django_assert_num_queries(expected):
                response = client.get(f"/api/v1/{endpoint}/")
            assert response.status_code == 200
            if user is world.nsi_manager and endpoint not in ("organisations", "memberships"):
                assert response.json()["count"] >= total
