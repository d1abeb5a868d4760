"""Helpers: an indicator, a draft publication and subscribers who follow it."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from indicators.models import Indicator, Publication, Subscription

from ..factories import default_nsi


def make_indicator(code: str = "POP", topic: str = "population") -> Indicator:
    return Indicator.objects.create(
        owner=default_nsi(), code=code, name_en=f"Indicator {code}", unit="n", topic=topic
    )


def make_publication(indicator: Indicator, series: str = "pop-2026", **fields: Any) -> Publication:
    publication = Publication.objects.create(series=series, title=f"Release {series}", **fields)
    publication.indicators.set([indicator])
    return publication


def make_subscribers(indicator: Indicator, n: int, **fields: Any) -> list[Subscription]:
    """`n` confirmed e-mail subscribers following the indicator (bulk, two queries)."""
    now = timezone.now()
    subs = Subscription.objects.bulk_create(
        [Subscription(email=f"s{i}@example.org", confirmed_at=now, **fields) for i in range(n)]
    )
    Subscription.indicators.through.objects.bulk_create(
        [
            Subscription.indicators.through(subscription_id=s.pk, indicator_id=indicator.pk)
            for s in subs
        ]
    )
    return subs
