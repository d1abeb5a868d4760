"""What a partner's data fed: per deliverable, the releases and indicators its files went
into, the policy targets those indicators follow, their subscribers and downloads, and the
decisions the city recorded as informed by those figures (the evidence-use log)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from ddms_platform.core.permissions import member_org_ids
from partnerships.models import Deliverable, PolicyTarget
from partnerships.selectors_obligations import deliverable_list

from ..models import DownloadCount, EvidenceUse, ReleasedObservation, Subscription
from .publications import released_q


@dataclass
class DeliverableValue:
    """One deliverable and what its data fed."""

    deliverable: Deliverable
    releases: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    downloads: list[tuple[str, int]] = field(default_factory=list)
    # Every decision recorded on a figure this deliverable's files fed; only the public
    # records are named (the others stay with the city and the NSI).
    decisions: int = 0
    public_decisions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def subscribers(self) -> int:
        return sum(i["subscribers"] for i in self.indicators)


def partner_value(user: Any, *, now: dt.datetime | None = None) -> list[DeliverableValue]:
    """The deliverables the user's own organisations owe, with what they fed (six queries).

    Only released figures count: nothing under embargo shows here.
    """
    now = now or timezone.now()
    own = member_org_ids(user)  # every role reads, viewers too
    deliverables = list(
        deliverable_list(user)
        .filter(provider_id__in=own)
        .select_related("provider")
        .order_by("title", "pk")
    )
    values = {d.pk: DeliverableValue(d) for d in deliverables}
    if not values:
        return []
    fed = (
        ReleasedObservation.objects.filter(
            released_q(now, "publication__"), submission__request__deliverable__in=list(values)
        )
        .values(
            "submission__request__deliverable_id",
            "publication_id",
            "publication__title",
            "publication__version",
            "publication__release_at",
            "indicator_code",
            "indicator__name_en",
        )
        .annotate(n=Count("id"))
        .order_by("publication__release_at", "indicator_code")
    )
    _decisions(values)
    codes: dict[int, dict[str, str]] = defaultdict(dict)
    for row in fed:
        value = values[row["submission__request__deliverable_id"]]
        release = {
            "id": row["publication_id"],
            "title": row["publication__title"],
            "version": row["publication__version"],
            "release_at": row["publication__release_at"],
        }
        if release not in value.releases:
            value.releases.append(release)
        codes[value.deliverable.pk][row["indicator_code"]] = row["indicator__name_en"]
    all_codes = sorted({c for by_code in codes.values() for c in by_code})
    # Codes are unique per NSI: only the partner's own country's indicators and targets count.
    countries = {d.provider.country_id for d in deliverables}
    subscribers = dict(
        Subscription.objects.filter(
            is_active=True,
            confirmed_at__isnull=False,
            indicators__code__in=all_codes,
            indicators__owner__country_id__in=countries,
        )
        .values("indicators__code")
        .annotate(n=Count("id", distinct=True))
        .values_list("indicators__code", "n")
    )
    targets: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for target in PolicyTarget.objects.filter(
        indicator_code__in=all_codes, policy__pilot__country_id__in=countries
    ).select_related("policy"):
        targets[target.indicator_code].append(
            {
                "policy": target.policy.name,
                "indicator_code": target.indicator_code,
                "target_value": target.target_value,
                "target_year": target.target_year,
                "direction": target.get_direction_display(),
            }
        )
    downloads: dict[str, dict[str, int]] = defaultdict(dict)
    for code, month, count in DownloadCount.objects.filter(
        Q(indicator_code__in=all_codes)
    ).values_list("indicator_code", "month", "count"):
        downloads[code][month] = count
    for pk, by_code in codes.items():
        value = values[pk]
        months: dict[str, int] = defaultdict(int)
        for code, name in sorted(by_code.items()):
            value.indicators.append(
                {"code": code, "name": name, "subscribers": subscribers.get(code, 0)}
            )
            value.targets.extend(targets.get(code, []))
            for month, count in downloads.get(code, {}).items():
                months[month] += count
        value.downloads = sorted(months.items())
    return list(values.values())


def _decisions(values: dict[int, DeliverableValue]) -> None:
    """Count the evidence-use records citing figures each deliverable fed (one query)."""
    records = (
        EvidenceUse.objects.filter(
            released_observation__submission__request__deliverable__in=list(values)
        )
        .order_by("-decided_on", "pk")
        .values_list(
            "released_observation__submission__request__deliverable_id",
            "public",
            "title",
            "decided_on",
            "kind",
        )
    )
    for deliverable_id, public, title, decided_on, kind in records:
        value = values[deliverable_id]
        value.decisions += 1
        if public:
            value.public_decisions.append({"title": title, "decided_on": decided_on, "kind": kind})


def published_measures(codes: list[str], *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Per indicator code: its name, the periods and releases published, the latest period."""
    from django.db.models import Max

    rows = (
        ReleasedObservation.objects.filter(released_q(now or timezone.now(), "publication__"))
        .filter(indicator_code__in=codes)
        .values("indicator_code", "indicator__name_en")
        .annotate(
            periods=Count("period", distinct=True),
            releases=Count("publication", distinct=True),
            latest_period=Max("period"),
        )
    )
    return {
        row["indicator_code"]: {
            "name": row["indicator__name_en"],
            "periods": row["periods"],
            "releases": row["releases"],
            "latest_period": row["latest_period"],
        }
        for row in rows
    }
