"""Publication lifecycle: draft → approved → scheduled → published → superseded (postponed,
cancelled), with declared contents, four eyes, disclosure control and an honest calendar."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ddms_platform.core.audit import audit_record, snapshot
from ddms_platform.core.errors import DomainError
from ddms_platform.core.permissions import require_nsi_staff
from ddms_platform.core.statemachine import StateMachine
from ddms_platform.notify.services import outbox_record

from ..choices import ObsStatus, PublicationState
from ..models import Indicator, Observation, Publication, ReleasedObservation, Territory
from .declaration import Declaration, check_dimension_filter, check_no_overlap, declaration_of
from .disclosure import primary_suppressed, secondary_suppress
from .four_eyes import four_eyes_relaxed, require_nsi_manager, require_second_pair

S = PublicationState
LIFECYCLE = StateMachine(
    "publication",
    {
        S.DRAFT: frozenset({S.APPROVED, S.CANCELLED}),
        S.APPROVED: frozenset({S.DRAFT, S.SCHEDULED, S.PUBLISHED, S.CANCELLED}),
        S.SCHEDULED: frozenset({S.PUBLISHED, S.POSTPONED, S.CANCELLED}),
        S.POSTPONED: frozenset({S.SCHEDULED, S.DRAFT, S.CANCELLED}),
        S.PUBLISHED: frozenset({S.SUPERSEDED}),
        S.SUPERSEDED: frozenset(),
        S.CANCELLED: frozenset(),
    },
)
STATE_FIELDS = (
    "state",
    "release_at",
    "published_at",
    "superseded_at",
    "frozen_at",
    "approved_by_id",
    "calendar_sequence",
    "calendar_reason",
)
DECLARATION_FIELDS = ("title", "notes", "territory_id", "pilot_id", "period_from", "period_to")
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


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _declare(publication: Publication, indicators: list[Indicator], dimension_filter: Any) -> None:
    """Check the declaration's shape and that no other series holds any of its cells."""
    if not indicators:
        raise DomainError(_("A release needs at least one indicator."), code="no_indicators")
    publication.dimension_filter = check_dimension_filter(dimension_filter, indicators)
    if (
        publication.period_from
        and publication.period_to
        and publication.period_from > publication.period_to
    ):
        raise DomainError(
            _("The first period starts after the last."),
            code="invalid_declaration",
            fields={"period_to": [_("Must not be before the first period.")]},
        )
    check_no_overlap(publication, declaration_of(publication, indicators))


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
    dimension_filter: dict[str, list[str]] | None = None,
    release_at: dt.datetime | None = None,
    schedule: bool = False,
    now: dt.datetime | None = None,
) -> Publication:
    """Start a new release series with a draft version 1 that declares its cells.

    Create-and-schedule in one transaction: the draft proposes `release_at`, and the second
    manager's approval schedules it then; where the NSI relaxed four eyes it is approved and
    scheduled at once.
    """
    indicators = list(indicators)
    require_publication_staff(actor, indicators=indicators, pilot=pilot, territory=territory)
    if Publication.objects.filter(series=series).exists():
        raise DomainError(
            f"The series {series!r} exists; revise its latest version instead.",
            code="series_exists",
        )
    publication = Publication(
        series=series,
        version=1,
        title=title,
        notes=notes,
        pilot=pilot,
        territory=territory,
        period_from=period_from,
        period_to=period_to,
        created_by=_user(actor),
        prepared_by=_user(actor),
        release_at=release_at,
    )
    if schedule and release_at is None:
        raise DomainError(
            _("Give the release time to schedule it."),
            code="no_release_time",
            fields={"release_at": [_("This field is required.")]},
        )
    _declare(publication, indicators, dimension_filter)
    publication.save()
    publication.indicators.set(indicators)
    audit_record(
        actor=actor,
        action="publication.create",
        obj=publication,
        after={
            **snapshot(publication, ("series", "version", "title", "state", *DECLARATION_FIELDS)),
            "indicators": [i.code for i in indicators],
            "dimension_filter": publication.dimension_filter,
        },
    )
    if schedule and four_eyes_relaxed(actor):
        require_nsi_manager(actor)
        return _approve(publication, actor, True, now or timezone.now())
    return publication


def _released_rows(
    publication: Publication, declaration: Declaration | None = None
) -> list[ReleasedObservation]:
    """Exactly the declared cells, rounded, with primary and secondary suppression applied."""
    declaration = declaration or declaration_of(publication)
    indicators = declaration.indicators
    qs = Observation.objects.filter(indicator__in=list(indicators))
    if declaration.territory_ids is not None:
        qs = qs.filter(territory_id__in=declaration.territory_ids)
    if declaration.period_from:
        qs = qs.filter(period_start__gte=declaration.period_from)
    if declaration.period_to:
        qs = qs.filter(period_start__lte=declaration.period_to)
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
        "disclosure_confirmed",
        "submission_id",
    ).order_by("pk")
    out: list[ReleasedObservation] = []
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
        confirmed,
        submission_id,
    ) in rows.iterator(chunk_size=BATCH_SIZE):
        if not declaration.takes(indicator_id, territory_id, period_start, dims):
            continue
        if primary_suppressed(indicators[indicator_id], count, confirmed):
            # Disclosure control: too few units behind the value, so it is never released.
            value, status = None, ObsStatus.CONFIDENTIAL
        elif value is not None:
            value = value.quantize(quanta[indicator_id], rounding=decimal.ROUND_HALF_UP)
        out.append(
            ReleasedObservation(
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
        )
    secondary_suppress(out, indicators)
    return out


def _key_values(publication: Publication) -> dict[tuple[str, str, str, str], tuple[Any, str]]:
    rows = ReleasedObservation.objects.filter(publication=publication).values_list(
        "indicator_code", "territory_code", "period", "dims_key", "value", "status"
    )
    return {(i, t, p, k): (v, s) for i, t, p, k, v, s in rows.iterator(chunk_size=BATCH_SIZE)}


def _fmt(value: Any) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _row_values(
    rows: list[ReleasedObservation],
) -> dict[tuple[str, str, str, str], tuple[Any, str]]:
    return {
        (r.indicator_code, r.territory_code, r.period, r.dims_key): (r.value, r.status)
        for r in rows
    }


def compute_diff(
    old: Publication | None, new: Publication, rows: list[ReleasedObservation] | None = None
) -> tuple[dict, dict]:
    """Added, removed and changed (value or status) observation keys between two versions.

    `rows` are the new version's values when not yet stored (the preview)."""
    after = _key_values(new) if rows is None else _row_values(rows)
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
    """Copy the declared cells into the release and compute the diff to its predecessor."""
    ReleasedObservation.objects.filter(publication=publication).delete()
    rows = _released_rows(publication)
    ReleasedObservation.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    publication.diff, publication.diff_summary = compute_diff(
        publication.supersedes, publication, rows
    )
    publication.frozen_at = now


def _unfreeze(publication: Publication) -> None:
    ReleasedObservation.objects.filter(publication=publication).delete()
    publication.frozen_at = None
    publication.diff, publication.diff_summary = {}, {}


def _lock(publication: Publication) -> Publication:
    return Publication.objects.select_for_update().get(pk=publication.pk)


def no_change(publication: Publication) -> bool:
    """A revision whose values and statuses equal its predecessor's, cell for cell."""
    summary = publication.diff_summary or {}
    return publication.supersedes_id is not None and not any(summary.values())


def _event(publication: Publication, actor: Any) -> None:
    if no_change(publication):
        # Nothing to tell anyone: the revision is on record and says so.
        publication.notification_skipped = True
        publication.save(update_fields=["notification_skipped", "updated_at"])
        audit_record(
            actor=actor,
            action="publication.notification_skipped",
            obj=publication,
            after={"reason": "no values changed", "diff_summary": publication.diff_summary},
        )
        return
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


def _calendar_changed(publication: Publication, change: str, now: dt.datetime) -> None:
    """A changed entry of the announced calendar: a new SEQUENCE and DTSTAMP, subscribers told."""
    publication.calendar_sequence += 1
    publication.calendar_written_at = now
    outbox_record(
        kind="publication.calendar_changed",
        obj=publication,
        payload={
            "publication_id": publication.pk,
            "change": change,
            "reason": publication.calendar_reason,
            "release_at": publication.release_at.isoformat() if publication.release_at else None,
            "sequence": publication.calendar_sequence,
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


def _transition(
    publication: Publication, actor: Any, target: str, action: str, **extra: Any
) -> dict[str, Any]:
    """Check the move and return the 'before' snapshot; the caller changes and saves."""
    LIFECYCLE.check(publication.state, target)
    before = snapshot(publication, STATE_FIELDS)
    publication.state = target
    return before


def _save_and_audit(
    publication: Publication, actor: Any, action: str, before: dict, **after: Any
) -> Publication:
    publication.save()
    audit_record(
        actor=actor,
        action=action,
        obj=publication,
        before=before,
        after={**snapshot(publication, STATE_FIELDS), **after},
    )
    return publication


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("A reason is required to %(what)s an announced release.") % {"what": what},
            code="reason_required",
            fields={"reason": [_("This field is required.")]},
        )
    return reason


@transaction.atomic
def publication_approve(
    *, actor: Any, publication: Publication, schedule: bool = False, now: dt.datetime | None = None
) -> Publication:
    """A second NSI manager approves a draft (and, if asked, schedules it at its proposed time)."""
    require_publication_staff(actor, publication)
    require_nsi_manager(actor)
    return _approve(_lock(publication), actor, schedule, now or timezone.now())


def _approve(publication: Publication, actor: Any, schedule: bool, now: dt.datetime) -> Publication:
    relaxed = require_second_pair(
        actor=actor, preparer_id=publication.prepared_by_id, what=_("a release")
    )
    # The cells may have been taken by another series since the draft was written.
    check_no_overlap(publication, declaration_of(publication))
    before = _transition(publication, actor, S.APPROVED, "publication.approve")
    publication.approved_by = _user(actor)
    publication.approved_at = now
    _save_and_audit(publication, actor, "publication.approve", before, four_eyes_relaxed=relaxed)
    if schedule:
        if publication.release_at is None:
            raise DomainError(
                _("The draft proposes no release time; schedule it with one."),
                code="no_release_time",
            )
        return _schedule(publication, actor, publication.release_at, now, "")
    return publication


def _schedule(
    publication: Publication, actor: Any, release_at: dt.datetime, now: dt.datetime, reason: str
) -> Publication:
    if release_at <= now:
        raise DomainError(
            _("The release time must be in the future; publish now instead."),
            code="release_in_past",
        )
    rescheduled = publication.state == S.POSTPONED
    if rescheduled and publication.announced_at and release_at < publication.announced_at:
        publication.calendar_reason = _reason(reason, _("bring forward"))
    before = _transition(publication, actor, S.SCHEDULED, "publication.schedule")
    _freeze(publication, now)
    publication.release_at = release_at
    if rescheduled:
        _calendar_changed(publication, "rescheduled", now)
    else:
        publication.calendar_written_at = now
    publication.announced_at = release_at
    return _save_and_audit(
        publication, actor, "publication.schedule", before, diff_summary=publication.diff_summary
    )


@transaction.atomic
def publication_schedule(
    *,
    actor: Any,
    publication: Publication,
    release_at: dt.datetime,
    now: dt.datetime | None = None,
    reason: str = "",
) -> Publication:
    """Freeze the declared cells and announce the release; embargoed until `release_at`.

    Only an approved (or a postponed) release is scheduled; a postponed one put earlier than
    it was announced needs a reason.
    """
    require_publication_staff(actor, publication)
    now = now or timezone.now()
    publication = _lock(publication)
    return _schedule(publication, actor, release_at, now, reason)


@transaction.atomic
def publication_unschedule(
    *,
    actor: Any,
    publication: Publication,
    reason: str = "",
    cancel: bool = False,
    now: dt.datetime | None = None,
) -> Publication:
    """Postpone (or cancel) an announced release, with a reason; it stays on the calendar.

    A release never announced (a draft, an approved one) can only be cancelled, without a
    calendar entry or notice.
    """
    require_publication_staff(actor, publication)
    now = now or timezone.now()
    publication = _lock(publication)
    announced = publication.state in (S.SCHEDULED, S.POSTPONED)
    if (
        publication.state == S.SCHEDULED
        and publication.release_at
        and publication.release_at <= now
    ):
        raise DomainError(
            _("The release time has passed: the values are public and cannot be withdrawn."),
            code="already_released",
        )
    target = S.CANCELLED if cancel else S.POSTPONED
    if announced:
        reason = _reason(reason, _("cancel") if cancel else _("postpone"))
    before = _transition(publication, actor, target, f"publication.{target}")
    _unfreeze(publication)
    publication.calendar_reason = reason.strip()
    if announced:
        _calendar_changed(publication, str(target), now)
    return _save_and_audit(publication, actor, f"publication.{target}", before, reason=reason)


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
    _event(publication, actor)


@transaction.atomic
def publication_publish(
    *, actor: Any, publication: Publication, now: dt.datetime | None = None, reason: str = ""
) -> Publication:
    """Release now: an approved release is frozen first; bringing an announced one forward
    needs a reason, and is announced on the calendar."""
    require_publication_staff(actor, publication)
    now = now or timezone.now()
    publication = _lock(publication)
    LIFECYCLE.check(publication.state, S.PUBLISHED)
    if publication.state == S.APPROVED:
        _freeze(publication, now)
        publication.release_at = now
        publication.calendar_written_at = now
        publication.announced_at = now
    elif publication.release_at is None or publication.release_at > now:
        publication.calendar_reason = _reason(reason, _("bring forward"))
        publication.release_at = now
        _calendar_changed(publication, "brought_forward", now)
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
    if publication.state not in (S.SCHEDULED, S.PUBLISHED, S.SUPERSEDED):
        raise DomainError(
            _("Only scheduled or released versions are revised; edit a draft instead."),
            code="draft",
        )
    latest = (
        Publication.objects.filter(series=publication.series)
        .exclude(state=S.CANCELLED)
        .order_by("-version")
        .first()
    )
    if latest is not None and latest.pk != publication.pk:
        raise DomainError(
            f"Version {latest.version} of this series exists; revise that one.",
            code="not_latest_version",
            latest=latest.pk,
        )
    top = Publication.objects.filter(series=publication.series).order_by("-version").first()
    revision = Publication.objects.create(
        series=publication.series,
        version=(top.version if top else publication.version) + 1,
        title=publication.title,
        notes="",
        pilot=publication.pilot,
        territory=publication.territory,
        period_from=publication.period_from,
        period_to=publication.period_to,
        dimension_filter=publication.dimension_filter,
        supersedes=publication,
        created_by=_user(actor),
        prepared_by=_user(actor),
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
    """Edit a draft's title, notes or declaration; an approved (or postponed) release goes back
    to draft and needs approving again."""
    require_publication_staff(actor, publication)
    publication = _lock(publication)
    if publication.state not in (S.DRAFT, S.APPROVED, S.POSTPONED):
        raise DomainError(
            _("Only a draft can be edited; revise a scheduled or released version."),
            code="not_draft",
        )
    fields.pop("series", None)
    indicators = fields.pop("indicators", None)
    dimension_filter = fields.pop("dimension_filter", publication.dimension_filter)
    before = {
        **snapshot(publication, (*DECLARATION_FIELDS, *STATE_FIELDS)),
        "dimension_filter": publication.dimension_filter,
    }
    for name, value in fields.items():
        setattr(publication, name, value)
    chosen = list(publication.indicators.all()) if indicators is None else list(indicators)
    require_publication_staff(
        actor, indicators=chosen, pilot=publication.pilot, territory=publication.territory
    )
    _declare(publication, chosen, dimension_filter)
    if publication.state != S.DRAFT:
        LIFECYCLE.check(publication.state, S.DRAFT)
        publication.state = S.DRAFT
        publication.approved_by = None
        publication.approved_at = None
    publication.prepared_by = _user(actor)
    publication.save()
    if indicators is not None:
        publication.indicators.set(chosen)
    audit_record(
        actor=actor,
        action="publication.update",
        obj=publication,
        before=before,
        after={
            **snapshot(publication, (*DECLARATION_FIELDS, *STATE_FIELDS)),
            "dimension_filter": publication.dimension_filter,
        },
    )
    return publication


def publication_preview(*, publication: Publication) -> dict[str, Any]:
    """What freezing would take now: cells per indicator and territory, suppressions, the diff
    against the last public version of the series. Nothing is written."""
    rows = _released_rows(publication)
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        group = groups.setdefault(
            (row.indicator_code, row.territory_code),
            {
                "indicator": row.indicator_code,
                "territory": row.territory_code,
                "cells": 0,
                "suppressed": 0,
                "periods": set(),
            },
        )
        group["cells"] += 1
        group["suppressed"] += row.status == ObsStatus.CONFIDENTIAL
        group["periods"].add((row.period_start, row.period))
    from ..selectors.publications import last_public_version

    previous = last_public_version(publication)
    diff, summary = compute_diff(previous, publication, rows)
    return {
        "cells": len(rows),
        "suppressed": sum(1 for r in rows if r.status == ObsStatus.CONFIDENTIAL),
        "groups": [
            {
                **{k: v for k, v in g.items() if k != "periods"},
                "periods": [p for _s, p in sorted(g["periods"])],
            }
            for _k, g in sorted(groups.items())
        ],
        "against": previous.pk if previous is not None else None,
        "diff_summary": summary,
        "diff": diff,
    }
