"""A small world with one of everything the pages show, two partners' worth of it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from indicators.models import Indicator, Publication, ReleasedObservation, Territory
from partnerships.models import (
    Activity,
    KnowledgeArticle,
    Policy,
    PolicyTarget,
    RequestComment,
    Submission,
    ValidationRun,
)
from tests.factories import (
    AgreementFactory,
    CommunicationPlanFactory,
    DataRequestFactory,
    PilotFactory,
)

FAILED_REPORT = {
    "valid": False,
    "stats": {"rows": 3, "errors": 2},
    "error_counts": {"type-error": 1, "missing-cell": 1},
    "errors": [
        {"type": "type-error", "rowNumber": 3, "fieldName": "year", "note": "not an integer"},
        {"type": "missing-cell", "rowNumber": 4, "fieldName": "=cmd", "note": "missing"},
    ],
    "warnings": [],
}


def make_submission(data_request, *, version=1, status="failed", report=None, user=None):
    """A stored submission with its validation run (no service needed for read pages)."""
    body = b"territory,year,value\nRS-KG,2024,1.5\n"
    submission = Submission(
        request=data_request,
        version=version,
        original_name="data.csv",
        format="csv",
        size=len(body),
        sha256=f"{version:064d}",
        encoding="utf-8",
        uploaded_by=user,
    )
    submission.file.save("data.csv", ContentFile(body), save=False)
    submission.save()
    ValidationRun.objects.create(
        submission=submission,
        status=status,
        report=report if report is not None else FAILED_REPORT,
        finished_at=timezone.now(),
    )
    return submission


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    """The world's users hash their passwords with a fast hasher (PBKDF2 costs seconds)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def pages(world: SimpleNamespace) -> SimpleNamespace:
    """Agreements, requests, submissions, a pilot, indicators and releases for both partners."""
    w = world
    now = timezone.now()
    w.agreement_a = AgreementFactory(
        nsi=w.nsi,
        state="active",
        partners=[w.partner_a],
        title="Energy data <script>x</script>",
        ends_on=timezone.localdate() + dt.timedelta(days=30),
    )
    w.agreement_b = AgreementFactory(nsi=w.nsi, state="active", partners=[w.partner_b])
    w.request_a = DataRequestFactory(
        requester=w.nsi,
        provider=w.partner_a,
        agreement=w.agreement_a,
        state="sent",
        title="Consumption <script>alert(1)</script>",
    )
    w.request_b = DataRequestFactory(
        requester=w.nsi,
        provider=w.partner_b,
        agreement=w.agreement_b,
        state="submitted",
        title="University enrolment",
    )
    RequestComment.objects.create(request=w.request_a, author=w.nsi_manager, body="<b>hi</b>")
    w.submission_a = make_submission(w.request_a, user=w.partner_a_user)
    w.submission_b = make_submission(
        w.request_b,
        status="passed",
        report={"valid": True, "stats": {"rows": 3, "errors": 0}, "errors": []},
    )
    w.pilot = PilotFactory(nsi=w.nsi, local_government=w.city, country=w.country)
    policy = Policy.objects.create(pilot=w.pilot, name="Energy plan", kind="strategy")
    PolicyTarget.objects.create(
        policy=policy,
        indicator_code="EN-1",
        target_value=Decimal("10"),
        target_year=2030,
        direction="increase",
        baseline_value=Decimal("1"),
        baseline_year=2020,
    )
    plan = CommunicationPlanFactory(pilot=w.pilot, owner=w.nsi)
    Activity.objects.create(
        plan=plan, kind="seminar", title="Results seminar", starts_at=now + dt.timedelta(days=5)
    )
    w.article = KnowledgeArticle.objects.create(
        title="Guide <script>x</script>",
        slug="guide",
        kind="guideline",
        body="<p>Body</p><script>alert(1)</script>",
        is_published=True,
        published_at=now,
    )
    w.territory = Territory.objects.create(
        country=w.country,
        code="RS-KG",
        level="city",
        name_en="Kragujevac",
        name_sr_latn="Kragujevac",
        name_sr_cyrl="Крагујевац",
    )
    w.indicator = Indicator.objects.create(
        owner=w.nsi,
        code="EN-1",
        name_en="Electricity use",
        name_sr_latn="Potrošnja struje",
        name_sr_cyrl="Потрошња струје",
        unit="GWh",
        topic="energy",
        sdg_targets=["7.1.1"],
        dimensions={"sex": ["F", "M"]},
    )
    w.secret_indicator = Indicator.objects.create(
        owner=w.nsi, code="EN-2", name_en="Embargoed thing", unit="%", topic="energy"
    )
    w.published = Publication.objects.create(
        series="energy",
        title="Energy 2024",
        state="published",
        release_at=now - dt.timedelta(days=1),
        pilot=w.pilot,
        published_at=now,
    )
    w.published.indicators.add(w.indicator)
    w.embargoed = Publication.objects.create(
        series="energy-next",
        title="Energy 2025",
        state="scheduled",
        release_at=now + dt.timedelta(days=3),
        pilot=w.pilot,
    )
    w.embargoed.indicators.add(w.indicator, w.secret_indicator)
    w.draft_publication = Publication.objects.create(series="draft", title="Draft release")
    w.draft_publication.indicators.set([w.indicator])
    for pub, value, period in ((w.published, "4.25", "2024"), (w.embargoed, "987654.321", "2025")):
        for sex in ("", "F"):
            ReleasedObservation.objects.create(
                publication=pub,
                indicator=w.indicator,
                territory=w.territory,
                indicator_code="EN-1",
                territory_code="RS-KG",
                period=period,
                period_type="A",
                period_start=dt.date(int(period), 1, 1),
                dims={"sex": sex} if sex else {},
                dims_key=f"sex={sex}" if sex else "",
                value=Decimal(value),
                status="A",
                submission=w.submission_b,
            )
    ReleasedObservation.objects.create(
        publication=w.embargoed,
        indicator=w.secret_indicator,
        territory=w.territory,
        indicator_code="EN-2",
        territory_code="RS-KG",
        period="2025",
        period_type="A",
        period_start=dt.date(2025, 1, 1),
        value=Decimal("123456.789"),
        status="A",
    )
    return w


@pytest.fixture
def browse():
    """`browse(user)` returns a Django test client signed in as that user (anonymous: None)."""

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
