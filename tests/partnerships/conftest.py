"""Registry fixtures: one agreement, pilot, plan, case study and articles around partner A."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from partnerships import choices
from tests.factories import (
    ActivityFactory,
    AgreementFactory,
    CaseStudyFactory,
    CommunicationPlanFactory,
    KnowledgeArticleFactory,
    PilotFactory,
    PolicyFactory,
    PolicyTargetFactory,
)


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media(settings, tmp_path):
    """A cheap hasher (the world fixture makes seven users per test) and a media folder per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def registry(world: SimpleNamespace) -> SimpleNamespace:
    """Partner A's agreement, the city's pilot with partner A, its plan, policy and articles."""
    agreement = AgreementFactory(nsi=world.nsi, partners=[world.partner_a], reference="AGR-A")
    other_agreement = AgreementFactory(nsi=world.nsi, partners=[world.partner_b], reference="AGR-B")
    pilot = PilotFactory(
        country=world.country, nsi=world.regional, local_government=world.city, name="Pilot A"
    )
    pilot.partners.add(world.partner_a)
    plan = CommunicationPlanFactory(pilot=pilot, owner=world.regional, title="Plan A")
    activity = ActivityFactory(plan=plan, title="Seminar A")
    policy = PolicyFactory(pilot=pilot, name="Energy strategy")
    PolicyTargetFactory(policy=policy)
    case_study = CaseStudyFactory(agreement=agreement, title="Case A")
    published = KnowledgeArticleFactory(title="Published", slug="published")
    draft = KnowledgeArticleFactory(
        title="Draft", slug="draft", is_published=False, published_at=None
    )
    return SimpleNamespace(
        **vars(world),
        agreement=agreement,
        other_agreement=other_agreement,
        pilot=pilot,
        plan=plan,
        activity=activity,
        policy=policy,
        case_study=case_study,
        published=published,
        draft=draft,
        kinds=choices,
    )
