"""Who hears of a released publication: notify handlers registered in `ready()`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ddms_platform.core.links import site_link
from ddms_platform.notify.models import OutboxEvent
from ddms_platform.notify.registry import Recipient, register

from .choices import PublicationState
from .models import Publication, Subscription, Territory
from .services.subscriptions import unsubscribe_url

RELEASED = (PublicationState.PUBLISHED, PublicationState.SUPERSEDED)
FAR_FUTURE = dt.timedelta(days=3650)
_TOKEN = "ddms-token-placeholder"  # noqa: S105 - a stand-in, not a secret


def _publication(event: OutboxEvent) -> Publication | None:
    return Publication.objects.filter(pk=event.payload.get("publication_id")).first()


def release_gate(event: OutboxEvent) -> dt.datetime | None:
    """Nobody hears of a release before its time: the embargo, checked at fan-out and send."""
    row = (
        Publication.objects.filter(pk=event.payload.get("publication_id"))
        .values("state", "release_at")
        .first()
    )
    if row is None:
        return None
    if row["state"] not in RELEASED:
        # Not (or no longer) released: hold until its release time, or a long way off.
        return row["release_at"] or timezone.now() + FAR_FUTURE
    return row["release_at"]


def _territory_and_ancestors(territory_id: int | None) -> list[int]:
    ids: list[int] = []
    while territory_id is not None and territory_id not in ids and len(ids) < 10:
        ids.append(territory_id)
        territory_id = (
            Territory.objects.filter(pk=territory_id).values_list("parent_id", flat=True).first()
        )
    return ids


def release_subscribers(event: OutboxEvent) -> Iterator[Recipient]:
    """Active, confirmed subscriptions following any indicator, topic, territory or pilot."""
    publication = _publication(event)
    if publication is None or publication.state not in RELEASED:
        return
    yield from _subscribers(publication)


def calendar_subscribers(event: OutboxEvent) -> Iterator[Recipient]:
    """Who follows the release hears that its announced date changed (never its values)."""
    publication = _publication(event)
    if publication is None:
        return
    yield from _subscribers(publication)


def _subscribers(publication: Publication) -> Iterator[Recipient]:
    indicators = list(publication.indicators.values_list("id", "topic"))
    match = Q(indicators__in=[i for i, _ in indicators]) | Q(
        topic__in={t for _, t in indicators if t}
    )
    territories = _territory_and_ancestors(publication.territory_id)
    if territories:
        match |= Q(territory_id__in=territories)
    if publication.pilot_id:
        match |= Q(pilot_id=publication.pilot_id)
    matching = Subscription.objects.filter(match).values("pk")
    subscriptions = (
        Subscription.objects.filter(pk__in=matching, is_active=True, confirmed_at__isnull=False)
        .select_related("user")
        .order_by("pk")
        .only(
            "pk", "email", "channel", "frequency", "webhook_id", "language", "token", "user__email"
        )
    )
    # One reverse() for the whole fan-out; only the token differs per subscription.
    pattern = unsubscribe_url(Subscription(token=_TOKEN))
    for sub in subscriptions.iterator(chunk_size=settings.DDMS_NOTIFY_BATCH_SIZE):
        unsubscribe = pattern.replace(_TOKEN, sub.token)
        if sub.channel == Subscription.Channel.WEBHOOK:
            yield Recipient(
                key=f"webhook:{sub.webhook_id}",
                channel="webhook",
                webhook_id=sub.webhook_id,
                user_id=sub.user_id,
                subscription_id=sub.pk,
            )
            continue
        address = sub.address
        if not address:
            continue
        yield Recipient(
            # One message per address and event, however many of its subscriptions match.
            key=f"email:{address.lower()}",
            email=address,
            user_id=sub.user_id,
            subscription_id=sub.pk,
            language=sub.language,
            digest="" if sub.frequency == Subscription.Frequency.IMMEDIATE else sub.frequency,
            context={"unsubscribe_url": unsubscribe},
        )


def release_context(event: OutboxEvent) -> dict[str, Any]:
    """Title, link and what changed, once per batch."""
    publication = _publication(event)
    if publication is None:
        return {}
    return {
        "title": publication.title,
        "version": publication.version,
        "supersedes_id": publication.supersedes_id,
        "diff_summary": publication.diff_summary or event.payload.get("diff_summary") or {},
        "indicator_names": [i.name_en for i in publication.indicators.all()],
        # The rows themselves: each recipient's e-mail names them in the recipient's language.
        "indicators": list(publication.indicators.all()),
        "link": site_link("indicators:release-detail", publication.pk),
    }


def calendar_context(event: OutboxEvent) -> dict[str, Any]:
    """Title, the change, the reason and the new time, from the event (what was announced)."""
    publication = _publication(event)
    if publication is None:
        return {}
    return {
        "title": publication.title,
        "change": event.payload.get("change", ""),
        "reason": event.payload.get("reason", ""),
        "release_at": publication.release_at,
        "indicator_names": [i.name_en for i in publication.indicators.all()],
        "link": site_link("indicators:release-detail", publication.pk),
    }


def register_handlers() -> None:
    register(
        "publication.calendar_changed",
        recipients=calendar_subscribers,
        context=calendar_context,
    )
    register(
        "publication.released",
        recipients=release_subscribers,
        context=release_context,
        not_before=release_gate,
    )
