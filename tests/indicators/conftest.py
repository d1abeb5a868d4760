"""Fixtures of the indicators tests: territories, an indicator, accepted submissions, releases."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from indicators import services
from indicators.models import Observation, Publication, Territory
from indicators.periods import dims_key, parse_period
from partnerships.choices import AgreementState, RequestState, RunStatus
from partnerships.models import Submission, ValidationRun
from tests.factories import approved
from tests.web.conftest import pages  # noqa: F401 - the page world (e-mail links, release page)

from ..factories import AgreementFactory, DataRequestFactory, IndicatorFactory, TerritoryFactory

T0 = dt.datetime(2030, 1, 15, 9, 0, 0, tzinfo=dt.UTC)
NOW = T0 - dt.timedelta(days=7)  # a week before the embargoed release


@pytest.fixture
def geo(db: None) -> SimpleNamespace:
    """Serbia → Šumadija and Western Serbia → Šumadija district → Kragujevac → 2 municipalities."""
    rs = TerritoryFactory(code="RS", level="country", name_en="Republic of Serbia")
    region = TerritoryFactory(code="RS21", level="region", parent=rs, name_en="Šumadija")
    district = TerritoryFactory(code="RS21-SU", level="district", parent=region)
    city = TerritoryFactory(code="RS-KG", level="city", parent=district, name_en="Kragujevac")
    m1 = TerritoryFactory(code="RS-KG-ST", level="municipality", parent=city)
    m2 = TerritoryFactory(code="RS-KG-AE", level="municipality", parent=city)
    return SimpleNamespace(rs=rs, region=region, district=district, city=city, m1=m1, m2=m2)


@pytest.fixture
def indicator(db: None) -> Any:
    return IndicatorFactory(code="PT_ACCESS", dimensions={"sex": ["F", "M", "_T"]}, decimals=1)


@pytest.fixture
def make_submission(world: SimpleNamespace) -> Callable[..., Submission]:
    """An accepted request's submission holding `content`, its validation passed."""

    def make(
        content: bytes,
        *,
        state: str = RequestState.ACCEPTED,
        fmt: str = "csv",
        **request_extra: Any,
    ) -> Submission:
        agreement = AgreementFactory(
            nsi=world.nsi, state=AgreementState.ACTIVE, partners=[world.partner_a]
        )
        request = DataRequestFactory(
            requester=world.nsi,
            provider=world.partner_a,
            agreement=agreement,
            state=state,
            **request_extra,
        )
        submission = Submission(
            request=request,
            version=1,
            original_name=f"data.{fmt}",
            format=fmt,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            encoding="utf-8",
            uploaded_by=world.partner_a_user,
        )
        submission.file.save(f"data.{fmt}", ContentFile(content), save=False)
        submission.save()
        ValidationRun.objects.create(
            submission=submission,
            status=RunStatus.PASSED,
            report={"valid": True, "stats": {"rows": 3, "errors": 0}, "error_counts": {}},
        )
        return submission

    return make


def add_obs(
    indicator: Any, territory: Territory, period: str, value: Any, **kw: Any
) -> Observation:
    """One working observation (as if loaded)."""
    canonical, kind, start = parse_period(period)  # type: ignore[misc]
    dims = kw.pop("dims", {"sex": "_T"})
    return Observation.objects.create(
        indicator=indicator,
        territory=territory,
        period=canonical,
        period_type=kind,
        period_start=start,
        dims=dims,
        dims_key=dims_key(dims),
        value=None if value is None else Decimal(str(value)),
        **kw,
    )


def scheduled_release(
    actor: Any, indicator: Any, territory: Territory, release_at: dt.datetime, series: str = "pt"
) -> Publication:
    """Create a release of `indicator` for `territory` and schedule it at `release_at`."""
    publication = services.publication_create(
        actor=actor,
        series=series,
        title="Access to transport",
        indicators=[indicator],
        territory=territory,
    )
    return services.publication_schedule(
        actor=actor,
        publication=approved(publication),
        release_at=release_at,
        now=release_at - dt.timedelta(hours=1),
    )


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """`frozen_now(t)` makes timezone.now() return t everywhere (selectors, services, views)."""

    def freeze(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze


@pytest.fixture
def published(
    world: SimpleNamespace, geo: SimpleNamespace, indicator: Any, make_submission: Any
) -> Any:
    """PT_ACCESS released: four values by sex over three territories and periods."""
    submission = make_submission(b"file")
    add_obs(indicator, geo.m1, "2023", "51.25", dims={"sex": "F"}, submission=submission)
    add_obs(indicator, geo.m1, "2023", "-3", dims={"sex": "M"})
    add_obs(indicator, geo.m2, "2023-Q2", None, dims={"sex": "_T"}, status="M")
    add_obs(indicator, geo.city, "2024-03", "7", dims={"sex": "_T"}, status="P")
    pub = services.publication_create(
        actor=world.nsi_manager, series="pt", title="PT", indicators=[indicator], territory=geo.city
    )
    return services.publication_publish(actor=world.nsi_manager, publication=approved(pub))


@pytest.fixture
def embargoed(
    world: SimpleNamespace, geo: SimpleNamespace, indicator: Any, nsi_approver: Any, frozen_now: Any
) -> Publication:
    """PT_ACCESS for the city in 2025, approved and scheduled for T0 (a week ahead)."""
    frozen_now(NOW)
    for territory in (geo.m1, geo.m2, geo.city):
        for month in ("2025-01", "2025-02"):
            add_obs(indicator, territory, month, "40", count=500)
    pub = services.publication_create(
        actor=world.nsi_manager,
        series="pt-2025",
        title="Access 2025",
        indicators=[indicator],
        territory=geo.city,
        period_from=dt.date(2025, 1, 1),
        period_to=dt.date(2025, 12, 31),
    )
    services.publication_approve(actor=nsi_approver, publication=pub)
    return services.publication_schedule(actor=world.nsi_manager, publication=pub, release_at=T0)
