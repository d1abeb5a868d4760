"""Publication lifecycle: draft → scheduled → published → superseded, with frozen values."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from ddms_platform.core.audit import audit_record, snapshot
from ddms_platform.core.errors import DomainError
from ddms_platform.core.permissions import require_nsi_staff
from ddms_platform.core.statemachine import StateMachine
from ddms_platform.notify.services import outbox_record

from ..choices import ObsStatus, PublicationState
from ..models import Indicator, Observation, Publication, ReleasedObservation, Territory
from ..selectors.territories import territory_with_descendants

S = PublicationState
LIFECYCLE = StateMachine(
    "publication",
    {
        S.DRAFT: frozenset({S.SCHEDULED, S.PUBLISHED}),
        S.SCHEDULED: frozenset({S.DRAFT, S.PUBLISHED}),
        S.PUBLISHED: frozenset({S.SUPERSEDED}),
        S.SUPERSEDED: frozenset(),
    },
)
STATE_FIELDS = ("state", "release_at", "published_at", "superseded_at", "frozen_at")
BATCH_SIZE = 5000
DIFF_LIMIT = 10_000


def publication_country_ids(
    indicators: Iterable[Indicator], pilot: Any = None, territory: Territory | None = None
) -> set[str]:
    """The countries a release belongs to: its indicators' owners', its pilot's, its
    territory's (one, for a well-formed release)."""
    countries = {i.owner.country_id for i in indicators}
    if pilot is not None:
        countries.add(pilot.country_id)
    if territory is not None:
        countries.add(territory.country_id)
    return countries


def require_publication_staff(
    actor: Any,
    publication: Publication | None = None,
    *,
    indicators: Iterable[Indicator] | None = None,
    pilot: Any = None,
    territory: Territory | None = None,
) -> None:
    """Staff of the release's own country only; a release spans one country."""
    require_nsi_staff(actor)
    if publication is not None:
        indicators = (
            publication.indicators.select_related("owner") if indicators is None else indicators
        )
        pilot = pilot or publication.pilot
        territory = territory or publication.territory
    countries = publication_country_ids(indicators or [], pilot, territory)
    if len(countries) > 1:
        raise DomainError(
            "A release covers one country: its indicators, pilot and territory must all belong "
            "to it.",
            code="mixed_countries",
        )
    for country in countries:
        require_nsi_staff(actor, country=country)


def _scope_territory_ids(publication: Publication) -> list[int] | None:
    """Territories the release covers (its territory or pilot city, with descendants)."""
    root = publication.territory
    if root is None and publication.pilot is not None:
        root = Territory.objects.filter(
            country_id=publication.pilot.country_id, code=publication.pilot.territory_code
        ).first()
        if root is None:
            raise DomainError(
                f"The pilot's territory code {publication.pilot.territory_code!r} is not a "
                "known territory.",
                code="unknown_territory",
            )
    return territory_with_descendants(root) if root is not None else None


@transaction.atomic
def publication_create(
    *,
    actor: Any,
    series: str,
    title: str,
    indicators: Iterable[Indicator],
    notes: str = "",
    pilot: Any = None,
    territory: Territory | None = None,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
) -> Publication:
    """Start a new release series with a draft version 1."""
    indicators = list(indicators)
    require_publication_staff(actor, indicators=indicators, pilot=pilot, territory=territory)
    if Publication.objects.filter(series=series).exists():
        raise DomainError(
            f"The series {series!r} exists; revise its latest version instead.",
            code="series_exists",
        )
    if not indicators:
        raise DomainError("A release needs at least one indicator.", code="no_indicators")
    publication = Publication.objects.create(
        series=series,
        version=1,
        title=title,
        notes=notes,
        pilot=pilot,
        territory=territory,
        period_from=period_from,
        period_to=period_to,
        created_by=actor if actor.is_authenticated else None,
    )
    publication.indicators.set(indicators)
    audit_record(
        actor=actor,
        action="publication.create",
        obj=publication,
        after=snapshot(publication, ("series", "version", "title", "state")),
    )
    return publication


def _released_rows(publication: Publication) -> Iterator[ReleasedObservation]:
    """The selected observations with rounding and the disclosure rule applied."""
    indicators = {i.pk: i for i in publication.indicators.all()}
    qs = Observation.objects.filter(indicator__in=list(indicators))
    territory_ids = _scope_territory_ids(publication)
    if territory_ids is not None:
        qs = qs.filter(territory_id__in=territory_ids)
    if publication.period_from:
        qs = qs.filter(period_start__gte=publication.period_from)
    if publication.period_to:
        qs = qs.filter(period_start__lte=publication.period_to)
    quanta = {pk: decimal.Decimal(1).scaleb(-i.decimals) for pk, i in indicators.items()}
    rows = qs.values_list(
        "pk",
        "indicator_id",
        "indicator__code",
        "territory_id",
        "territory__code",
        "period",
        "period_type",
        "period_start",
        "dims",
        "dims_key",
        "value",
        "status",
        "count",
        "submission_id",
    ).order_by("pk")
    for (
        pk,
        indicator_id,
        indicator_code,
        territory_id,
        territory_code,
        period,
        period_type,
        period_start,
        dims,
        key,
        value,
        status,
        count,
        submission_id,
    ) in rows.iterator(chunk_size=BATCH_SIZE):
        threshold = indicators[indicator_id].min_cell_count
        if threshold is not None and count is not None and count < threshold:
            # Disclosure control: too few units behind the value, so it is never released.
            value, status = None, ObsStatus.CONFIDENTIAL
        elif value is not None:
            value = value.quantize(quanta[indicator_id], rounding=decimal.ROUND_HALF_UP)
        yield ReleasedObservation(
            publication_id=publication.pk,
            observation_id=pk,
            indicator_id=indicator_id,
            territory_id=territory_id,
            indicator_code=indicator_code,
            territory_code=territory_code,
            period=period,
            period_type=period_type,
            period_start=period_start,
            dims=dims,
            dims_key=key,
            value=value,
            status=status,
            submission_id=submission_id,
        )


def _key_values(publication: Publication) -> dict[tuple[str, str, str, str], tuple[Any, str]]:
    rows = ReleasedObservation.objects.filter(publication=publication).values_list(
        "indicator_code", "territory_code", "period", "dims_key", "value", "status"
    )
    return {(i, t, p, k): (v, s) for i, t, p, k, v, s in rows.iterator(chunk_size=BATCH_SIZE)}


def _fmt(value: Any) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def compute_diff(old: Publication | None, new: Publication) -> tuple[dict, dict]:
    """Added, removed and changed (value or status) observation keys between two versions."""
    after = _key_values(new)
    before = _key_values(old) if old is not None else {}

    def key_dict(key: tuple[str, str, str, str]) -> dict[str, str]:
        return {"indicator": key[0], "territory": key[1], "period": key[2], "dims": key[3]}

    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(k for k in set(after) & set(before) if after[k] != before[k])
    summary = {"added": len(added), "removed": len(removed), "changed": len(changed)}
    diff = {
        "against": old.pk if old is not None else None,
        "added": [
            {**key_dict(k), "value": _fmt(after[k][0]), "status": after[k][1]}
            for k in added[:DIFF_LIMIT]
        ],
        "removed": [
            {**key_dict(k), "value": _fmt(before[k][0]), "status": before[k][1]}
            for k in removed[:DIFF_LIMIT]
        ],
        "changed": [
            {
                **key_dict(k),
                "before": {"value": _fmt(before[k][0]), "status": before[k][1]},
                "after": {"value": _fmt(after[k][0]), "status": after[k][1]},
            }
            for k in changed[:DIFF_LIMIT]
        ],
        "truncated": max(summary.values()) > DIFF_LIMIT,
    }
    return diff, summary


def _freeze(publication: Publication, now: dt.datetime) -> None:
    """Copy the selected observations into the release and compute the diff to its predecessor."""
    ReleasedObservation.objects.filter(publication=publication).delete()
    ReleasedObservation.objects.bulk_create(_released_rows(publication), batch_size=BATCH_SIZE)
    publication.diff, publication.diff_summary = compute_diff(publication.supersedes, publication)
    publication.frozen_at = now


def _lock(publication: Publication) -> Publication:
    return Publication.objects.select_for_update().get(pk=publication.pk)


def _event(publication: Publication) -> None:
    outbox_record(
        kind="publication.released",
        obj=publication,
        payload={
            "publication_id": publication.pk,
            "version": publication.version,
            "supersedes_id": publication.supersedes_id,
            "diff_summary": publication.diff_summary,
        },
    )


def _supersede_earlier(publication: Publication, actor: Any) -> None:
    """Older published versions of the series become superseded at this version's release."""
    earlier = Publication.objects.select_for_update().filter(
        series=publication.series, version__lt=publication.version, state=S.PUBLISHED
    )
    for old in earlier:
        before = snapshot(old, STATE_FIELDS)
        old.state = S.SUPERSEDED
        old.superseded_at = publication.release_at
        old.save(update_fields=["state", "superseded_at", "updated_at"])
        audit_record(
            actor=actor,
            action="publication.supersede",
            obj=old,
            before=before,
            after=snapshot(old, STATE_FIELDS),
        )


@transaction.atomic
def publication_schedule(
    *, actor: Any, publication: Publication, release_at: dt.datetime, now: dt.datetime | None = None
) -> Publication:
    """Freeze the values and put the release on the calendar; embargoed until `release_at`."""
    require_publication_staff(actor, publication)
    now = now or timezone.now()
    publication = _lock(publication)
    LIFECYCLE.check(publication.state, S.SCHEDULED)
    if release_at <= now:
        raise DomainError(
            "The release time must be in the future; publish now instead.", code="release_in_past"
        )
    before = snapshot(publication, STATE_FIELDS)
    _freeze(publication, now)
    publication.state = S.SCHEDULED
    publication.release_at = release_at
    publication.save()
    audit_record(
        actor=actor,
        action="publication.schedule",
        obj=publication,
        before=before,
        after={**snapshot(publication, STATE_FIELDS), "diff_summary": publication.diff_summary},
    )
    return publication


@transaction.atomic
def publication_unschedule(
    *, actor: Any, publication: Publication, now: dt.datetime | None = None
) -> Publication:
    """Take a scheduled release off the calendar before its time (its frozen values go)."""
    require_publication_staff(actor, publication)
    now = now or timezone.now()
    publication = _lock(publication)
    LIFECYCLE.check(publication.state, S.DRAFT)
    if publication.release_at is not None and publication.release_at <= now:
        raise DomainError(
            "The release time has passed: the values are public and cannot be withdrawn.",
            code="already_released",
        )
    before = snapshot(publication, STATE_FIELDS)
    ReleasedObservation.objects.filter(publication=publication).delete()
    publication.state = S.DRAFT
    publication.release_at = None
    publication.frozen_at = None
    publication.diff, publication.diff_summary = {}, {}
    publication.save()
    audit_record(
        actor=actor,
        action="publication.unschedule",
        obj=publication,
        before=before,
        after=snapshot(publication, STATE_FIELDS),
    )
    return publication


def _mark_published(publication: Publication, actor: Any, now: dt.datetime) -> None:
    before = snapshot(publication, STATE_FIELDS)
    publication.state = S.PUBLISHED
    publication.published_at = now
    publication.save()
    _supersede_earlier(publication, actor)
    audit_record(
        actor=actor,
        action="publication.publish",
        obj=publication,
        before=before,
        after=snapshot(publication, STATE_FIELDS),
    )
    _event(publication)


@transaction.atomic
def publication_publish(
    *, actor: Any, publication: Publication, now: dt.datetime | None = None
) -> Publication:
    """Release now: a draft is frozen first; a scheduled release is brought forward."""
    require_publication_staff(actor, publication)
    now = now or timezone.now()
    publication = _lock(publication)
    LIFECYCLE.check(publication.state, S.PUBLISHED)
    if publication.state == S.DRAFT:
        _freeze(publication, now)
    if publication.release_at is None or publication.release_at > now:
        publication.release_at = now
    _mark_published(publication, actor, now)
    return publication


def publish_due_releases(*, now: dt.datetime | None = None) -> list[int]:
    """Move scheduled releases whose time has come to published; safe to run concurrently."""
    now = now or timezone.now()
    done: list[int] = []
    with transaction.atomic():
        # skip_locked: a second scheduler run passes over rows the first is publishing.
        due = (
            Publication.objects.select_for_update(skip_locked=True)
            .filter(state=S.SCHEDULED, release_at__lte=now)
            .order_by("release_at", "series", "version")
        )
        for publication in due:
            _mark_published(publication, None, now)
            done.append(publication.pk)
    return done


@transaction.atomic
def publication_revise(*, actor: Any, publication: Publication) -> Publication:
    """Start the next version of a release series as a draft that will supersede this one."""
    require_publication_staff(actor, publication)
    publication = _lock(publication)
    if publication.state == S.DRAFT:
        raise DomainError(
            "A draft can be edited; only released versions are revised.", code="draft"
        )
    latest = Publication.objects.filter(series=publication.series).order_by("-version").first()
    if latest is not None and latest.pk != publication.pk:
        raise DomainError(
            f"Version {latest.version} of this series exists; revise that one.",
            code="not_latest_version",
            latest=latest.pk,
        )
    revision = Publication.objects.create(
        series=publication.series,
        version=publication.version + 1,
        title=publication.title,
        notes="",
        pilot=publication.pilot,
        territory=publication.territory,
        period_from=publication.period_from,
        period_to=publication.period_to,
        supersedes=publication,
        created_by=actor if actor.is_authenticated else None,
    )
    revision.indicators.set(publication.indicators.all())
    audit_record(
        actor=actor,
        action="publication.revise",
        obj=revision,
        after={**snapshot(revision, ("series", "version", "state")), "supersedes": publication.pk},
    )
    return revision


@transaction.atomic
def publication_update(*, actor: Any, publication: Publication, **fields: Any) -> Publication:
    """Edit a draft's title, notes, scope or indicators (released versions are revised)."""
    require_publication_staff(actor, publication)
    publication = _lock(publication)
    if publication.state != S.DRAFT:
        raise DomainError(
            "Only a draft can be edited; revise a scheduled or released version.",
            code="not_draft",
        )
    fields.pop("series", None)
    indicators = fields.pop("indicators", None)
    if indicators is not None:
        indicators = list(indicators)
    require_publication_staff(
        actor,
        indicators=indicators if indicators is not None else list(publication.indicators.all()),
        pilot=fields.get("pilot", publication.pilot),
        territory=fields.get("territory", publication.territory),
    )
    before = snapshot(publication, ("title", "notes", "territory_id", "pilot_id"))
    for name, value in fields.items():
        setattr(publication, name, value)
    publication.save()
    if indicators is not None:
        publication.indicators.set(indicators)
    audit_record(
        actor=actor,
        action="publication.update",
        obj=publication,
        before=before,
        after=snapshot(publication, ("title", "notes", "territory_id", "pilot_id")),
    )
    return publication
